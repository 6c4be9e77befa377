/**
 * The member record's failsafe address (services/pool/member-failsafe.ts): a record from a daemon that
 * predates it reads as no address; anything that is not an http(s) URL reads as null and never makes the
 * record unreadable; the default address is built from the exporter address.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { failsafeUrlFor, failsafeUrlOf } from '../../services/pool/member-failsafe.js';
import { parseMemberRecord } from '../../services/pool/member-record.js';
import { memberRecord } from '../support/member-fixture.js';

const KEY = 'kuutamod-members/pool.test/node0';
const record = (failsafeUrl: unknown): string => JSON.stringify({ ...memberRecord('node0', { height: 10, now: 1_000 }), failsafeUrl });

describe('member record failsafe address', () => {
  test('a record without the field (an older daemon) reads as no address', () => {
    const { failsafeUrl: _url, ...old } = memberRecord('node0', { height: 10, now: 1_000 });
    assert.equal(parseMemberRecord(KEY, JSON.stringify(old)).failsafeUrl, null);
  });

  test('an http(s) URL is kept', () => {
    for (const url of ['http://10.0.0.2:2233/v1/failsafe/confirm', 'https://node1.example:8443/kuutamod/v1/failsafe/confirm', 'http://[fd00::2]:2233/v1/failsafe/confirm']) {
      assert.equal(parseMemberRecord(KEY, record(url)).failsafeUrl, url);
    }
  });

  test('garbage reads as null and the rest of the record still reads', () => {
    const garbage: unknown[] = [null, 5, true, {}, ['http://a/'], '', 'not a url', '/v1/failsafe/confirm', 'ftp://a/b', 'file:///etc/passwd', 'http://user:pw@a/b', `http://a/${'x'.repeat(2_100)}`];
    for (const value of garbage) {
      const parsed = parseMemberRecord(KEY, record(value));
      assert.equal(parsed.failsafeUrl, null, JSON.stringify(value).slice(0, 60));
      assert.equal(parsed.nodeId, 'node0');
    }
    assert.equal(failsafeUrlOf(undefined), null);
  });

  test('the default address is the confirm path on the exporter address', () => {
    assert.equal(failsafeUrlFor({ host: '10.0.0.2', port: 2233 }), 'http://10.0.0.2:2233/v1/failsafe/confirm');
    assert.equal(failsafeUrlFor({ host: 'fd00::2', port: 2233 }), 'http://[fd00::2]:2233/v1/failsafe/confirm');
    assert.equal(failsafeUrlFor({ host: 'node1.example', port: 443 }, 'https'), 'https://node1.example:443/v1/failsafe/confirm');
  });
});
