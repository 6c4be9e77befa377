/**
 * config.json's expected_shutdown written for `kuutamoctl restart` and put back afterwards: byte for byte
 * as the operator had it (their own expected_shutdown included), whatever the file's style, repaired after
 * a crash at any step, and a config.json that is not JSON refused with a clear message and nothing written.
 * Also the restore hook: the home preparation before every neard start takes the schedule back.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { prepareNeardHome } from '../../services/neard/home.js';
import {
  configuredShutdown,
  PLANNED_SHUTDOWN_FILE,
  PlannedShutdownFileError,
  readPlannedShutdown,
  restorePlannedShutdown,
  writePlannedShutdown,
} from '../../services/neard/planned-shutdown-file.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A home whose config.json holds exactly `text`. */
function homeWith(text: string): string {
  const home = mkdtempSync(join(tmpdir(), 'planned-shutdown-'));
  homes.push(home);
  writeFileSync(join(home, 'config.json'), text);
  return home;
}

const configText = (home: string): string => readFileSync(join(home, 'config.json'), 'utf8');
const NEARD_STYLE = `${JSON.stringify({ genesis_file: 'genesis.json', network: { addr: '0.0.0.0:24567', boot_nodes: '' }, rpc: { addr: '0.0.0.0:3030' }, tracked_shards: [0] }, null, 2)}\n`;

test('write sets expected_shutdown and records it; restore gives back the file byte for byte', () => {
  const home = homeWith(NEARD_STYLE);
  assert.deepEqual(writePlannedShutdown(home, 1234), { height: 1234, previous: null });
  assert.equal(configuredShutdown(home), 1234);
  assert.deepEqual(readPlannedShutdown(home), { height: 1234, previous: null });
  const written = JSON.parse(configText(home)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(written), ['genesis_file', 'network', 'rpc', 'tracked_shards', 'expected_shutdown']);
  assert.match(configText(home), /\n {2}"expected_shutdown": 1234\n}\n$/);
  const outcome = restorePlannedShutdown(home);
  assert.deepEqual(outcome, { record: { height: 1234, previous: null }, expectedShutdown: null, keptOperatorValue: false });
  assert.equal(configText(home), NEARD_STYLE);
  assert.equal(existsSync(join(home, PLANNED_SHUTDOWN_FILE)), false);
  assert.equal(restorePlannedShutdown(home), null, 'a second restore has nothing to do');
});

test("the operator's own expected_shutdown is remembered and put back", () => {
  const original = `{\n  "expected_shutdown": 900,\n  "rpc": {\n    "addr": "0.0.0.0:3030"\n  }\n}\n`;
  const home = homeWith(original);
  assert.deepEqual(writePlannedShutdown(home, 500), { height: 500, previous: 900 });
  assert.equal(configuredShutdown(home), 500);
  // A second schedule (after a failed confirmation, say) keeps the operator's value, not kuutamod's.
  assert.deepEqual(writePlannedShutdown(home, 510), { height: 510, previous: 900 });
  assert.deepEqual(restorePlannedShutdown(home)?.expectedShutdown, 900);
  assert.equal(configText(home), original);
});

test('a value the operator wrote after kuutamod is theirs: restore keeps it', () => {
  const home = homeWith(NEARD_STYLE);
  writePlannedShutdown(home, 700);
  writeFileSync(join(home, 'config.json'), configText(home).replace('"expected_shutdown": 700', '"expected_shutdown": 800'));
  assert.deepEqual(restorePlannedShutdown(home), { record: { height: 700, previous: null }, expectedShutdown: 800, keptOperatorValue: true });
  assert.equal(configuredShutdown(home), 800);
  assert.equal(readPlannedShutdown(home), null);
});

test('other styles are kept: four spaces, tabs, one line, no final newline', () => {
  for (const original of [
    JSON.stringify({ a: 1, rpc: { addr: 'x' } }, null, 4),
    `${JSON.stringify({ a: 1, rpc: { addr: 'x' } }, null, '\t')}\n`,
    JSON.stringify({ a: 1, rpc: { addr: 'x' } }),
  ]) {
    const home = homeWith(original);
    writePlannedShutdown(home, 42);
    const indent = /\n([ \t]+)"/.exec(original)?.[1];
    assert.equal(configText(home), JSON.stringify({ a: 1, rpc: { addr: 'x' }, expected_shutdown: 42 }, null, indent) + (original.endsWith('\n') ? '\n' : ''));
    restorePlannedShutdown(home);
    assert.equal(configText(home), original);
  }
});

test('a crash between the record and config.json is repaired by the next restore', () => {
  const home = homeWith(`{\n  "expected_shutdown": 300\n}\n`);
  // The record is written first; here config.json was never changed.
  writeFileSync(join(home, PLANNED_SHUTDOWN_FILE), JSON.stringify({ height: 600, previous: 300 }));
  assert.deepEqual(restorePlannedShutdown(home), { record: { height: 600, previous: 300 }, expectedShutdown: 300, keptOperatorValue: false });
  assert.equal(configText(home), `{\n  "expected_shutdown": 300\n}\n`);
  assert.equal(readPlannedShutdown(home), null);
});

test('a config.json that is not JSON is refused with its path, and nothing is written', () => {
  const home = homeWith('{ "rpc": { "addr": "0.0.0.0:3030" }, oops');
  assert.throws(
    () => writePlannedShutdown(home, 10),
    (error: unknown) => error instanceof PlannedShutdownFileError && error.message.startsWith(`${join(home, 'config.json')} is not valid JSON (`) && /Nothing was changed/.test(error.message),
  );
  assert.equal(existsSync(join(home, PLANNED_SHUTDOWN_FILE)), false);
  assert.equal(configText(home), '{ "rpc": { "addr": "0.0.0.0:3030" }, oops');
  const notObject = homeWith('[1, 2]');
  assert.throws(() => writePlannedShutdown(notObject, 10), /must hold a JSON object/);
  const badValue = homeWith('{"expected_shutdown": "soon"}');
  assert.throws(() => writePlannedShutdown(badValue, 10), /expected_shutdown is "soon", not a block height/);
});

test('a damaged record names itself and says what to do', () => {
  const home = homeWith(NEARD_STYLE);
  writeFileSync(join(home, PLANNED_SHUTDOWN_FILE), '{"height": "x"}');
  assert.throws(() => restorePlannedShutdown(home), new RegExp(`${PLANNED_SHUTDOWN_FILE} is damaged .*Check expected_shutdown in .*config\\.json by hand, then remove`));
});

test('the home preparation before every neard start takes a planned shutdown back', () => {
  const home = homeWith(NEARD_STYLE);
  for (const name of ['validator_key.json', 'validator_node_key.json', 'voter_node_key.json']) writeFileSync(join(home, `src-${name}`), '{}');
  const layout = {
    home,
    keys: { validatorKey: join(home, 'src-validator_key.json'), validatorNodeKey: join(home, 'src-validator_node_key.json'), voterNodeKey: join(home, 'src-voter_node_key.json') },
    validatorNetworkAddr: '127.0.0.1:1001',
    voterNetworkAddr: '0.0.0.0:24567',
  };
  writePlannedShutdown(home, 99);
  assert.deepEqual(prepareNeardHome(layout, 'voter')?.record, { height: 99, previous: null });
  assert.equal(configuredShutdown(home), null);
  assert.equal(configText(home), NEARD_STYLE);
  assert.equal(prepareNeardHome(layout, 'voter'), null);
});
