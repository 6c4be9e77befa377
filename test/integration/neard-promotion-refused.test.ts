/**
 * A hot-swap promotion the guard refuses must not leave the node holding the lock with a voter neard:
 * the neard actor falls back to the cold path through the guard (stop the voter, `guard.start` as
 * validator). With a valid lease again, neard ends up validating; with the lease still lapsed, the guard
 * refuses that start too and the chart hears NEARD_EXITED, as for any refused start.
 *
 * Real parts: the neard actor's converger, the real guard process it forks, and the neard stand-in. No
 * chart: the test plays it, sending the commands the chart would and reading the events it would get.
 * The guard is never told a session, so it has no reason to call Consul (its endpoint is a closed port).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import pino from 'pino';
import type { NeardCommand } from '../../machines/failover-events.js';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { monotonicNow } from '../../services/monotonic-clock.js';
import { NeardModeConverger, type NeardActorEvent } from '../../services/neard/process.js';
import { actorTimings } from '../../services/service-timings.js';
import { configAddr } from '../support/neard-config-file.js';
import { ACCOUNT_ID, FAST_NEARD_ENV, NEARD_STANDIN, createNodeHome, createPoolKeys, isAlive } from '../support/kuutamod.js';
import { freePorts } from '../support/ports.js';
import { until, untilValue } from '../support/until.js';

// The guard passes its environment on to neard: the stand-in syncs, blocks and stops quickly.
Object.assign(process.env, FAST_NEARD_ENV);

const FALLBACK_LOG = /refused the validator key hot swap/;
/** Matches the refusal's log line before and after the fix, so the test runs to its assertion on both. */
const REFUSAL_LOG = /refused the (validator key )?hot swap/;

interface Rig {
  home: string;
  validatorKey: string;
  converger: NeardModeConverger;
  command: (command: NeardCommand) => void;
  /** The first event not taken yet that matches, waited for. */
  nextEvent: <T extends NeardActorEvent['type']>(type: T, what: string) => Promise<Extract<NeardActorEvent, { type: T }>>;
  logLines: () => string[];
  /** Called with each log line as it is written. */
  onLog: (listener: (line: string) => void) => void;
}

let dir: string;
let rig: Rig | undefined;
const neardPids = new Set<number>();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kuutamod-promote-'));
});

afterEach(async () => {
  rig?.converger.dispose(); // the guard stops neard and exits once its channel closes
  rig = undefined;
  await until('every neard of the test stopped', () => [...neardPids].every((pid) => !isAlive(pid)));
  neardPids.clear();
  rmSync(dir, { recursive: true, force: true });
});

async function createRig(): Promise<Rig> {
  const pool = createPoolKeys(dir);
  const node = await createNodeHome(dir, 'node0', pool);
  const [validatorPort, voterPort, closedPort] = await freePorts(3);
  const lines: string[] = [];
  const listeners: Array<(line: string) => void> = [];
  const logger = pino({ level: 'info' }, {
    write: (line: string) => {
      lines.push(line);
      for (const listener of listeners) listener(line);
    },
  });
  const events: NeardActorEvent[] = [];
  const converger = new NeardModeConverger(
    {
      neardBin: NEARD_STANDIN,
      home: node.home,
      rpcUrl: `http://${configAddr(node.home, 'rpc')}`,
      keys: { validatorKey: pool.validatorKey, validatorNodeKey: pool.validatorNodeKey, voterNodeKey: node.voterNodeKey },
      validatorNetworkAddr: `127.0.0.1:${validatorPort}`,
      voterNetworkAddr: `127.0.0.1:${voterPort}`,
      timings: actorTimings({ ...DEFAULT_TIMINGS, neardStopTimeoutMs: 5_000 }),
      hotSwap: true,
      consul: { url: `http://127.0.0.1:${closedPort}` },
      logger,
    },
    (event) => {
      events.push(event);
      if (event.type === 'NEARD_STARTED') neardPids.add(event.pid);
    },
  );
  const nextEvent = <T extends NeardActorEvent['type']>(type: T, what: string) =>
    untilValue(
      what,
      () => {
        const index = events.findIndex((event) => event.type === type);
        return index >= 0 ? (events.splice(index, 1)[0] as Extract<NeardActorEvent, { type: T }>) : undefined;
      },
      { detail: () => `events so far: ${JSON.stringify(events)}\n--- log ---\n${lines.join('')}` },
    );
  return {
    home: node.home,
    validatorKey: pool.validatorKey,
    converger,
    command: (command) => converger.command(command),
    nextEvent,
    logLines: () => lines,
    onLog: (listener) => listeners.push(listener),
  };
}

/** A lease as the chart sends it after a renewal: valid for `validForMs` from now (negative: lapsed). */
const lease = (validForMs: number): NeardCommand => ({ type: 'NEARD.LEASE', killAt: monotonicNow() + validForMs, sessionId: 's1' });

async function neardStatus(home: string): Promise<{ validator_account_id: string | null } | null> {
  try {
    const response = await fetch(`http://${configAddr(home, 'rpc')}/status`, { signal: AbortSignal.timeout(1_000) });
    return (await response.json()) as { validator_account_id: string | null };
  } catch {
    return null; // not listening yet, or already gone
  }
}

/** A voter neard, answering /status, under a lease that lapsed (the daemon stalled past it, say). */
async function voterUnderLapsedLease(r: Rig): Promise<number> {
  r.command(lease(-1));
  r.command({ type: 'NEARD.RUN', mode: 'voter' });
  const voter = await r.nextEvent('NEARD_STARTED', 'the voter neard started');
  assert.equal(voter.mode, 'voter');
  await until('the voter neard to answer /status', async () => (await neardStatus(r.home)) !== null);
  return voter.pid;
}

const fallbackLines = (r: Rig) => r.logLines().filter((line) => FALLBACK_LOG.test(line));

describe('a refused hot-swap promotion', () => {
  test('falls back to a guard start: neard runs as validator once the lease is valid again', async () => {
    rig = await createRig();
    const r = rig;
    const voterPid = await voterUnderLapsedLease(r);
    // The renewal that makes the lease valid again lands right after the guard refused the hot swap.
    r.onLog((line) => {
      if (REFUSAL_LOG.test(line)) r.command(lease(60_000));
    });
    r.command({ type: 'NEARD.RUN', mode: 'validator' });
    const validator = await r.nextEvent('NEARD_STARTED', 'neard restarted as validator through the guard');
    assert.equal(validator.mode, 'validator');
    assert.equal(validator.restart, true, 'a cold start, not a hot swap');
    assert.notEqual(validator.pid, voterPid);
    assert.equal(isAlive(voterPid), false, 'the voter neard was stopped first');
    assert.equal(readlinkSync(join(r.home, 'validator_key.json')), r.validatorKey);
    await until('neard to validate for the pool', async () => (await neardStatus(r.home))?.validator_account_id === ACCOUNT_ID);
    const logged = fallbackLines(r);
    assert.equal(logged.length, 1, 'the fallback is logged once');
    assert.match(logged[0]!, /no valid lease/, 'the log line says why the hot swap was refused');
  });

  test('with the lease still lapsed, the guard refuses the start too and the chart hears NEARD_EXITED', async () => {
    rig = await createRig();
    const r = rig;
    const voterPid = await voterUnderLapsedLease(r);
    r.command({ type: 'NEARD.RUN', mode: 'validator' });
    const exited = await r.nextEvent('NEARD_EXITED', 'the refused validator start reported as an exit');
    assert.deepEqual(exited, { type: 'NEARD_EXITED', pid: 0, mode: 'validator', code: null, signal: null });
    assert.equal(isAlive(voterPid), false, 'the voter neard was stopped for the cold start');
    assert.equal(fallbackLines(r).length, 1, 'the fallback is logged once');
    // What the chart does on that exit (Startup): neard as voter, and the key confirmed out of use.
    r.command({ type: 'NEARD.RUN', mode: 'voter' });
    await r.nextEvent('NEARD_KEY_RELEASED', 'the key reported out of use');
    const voter = await r.nextEvent('NEARD_STARTED', 'neard started as voter again');
    assert.equal(voter.mode, 'voter');
    assert.equal(existsSync(join(r.home, 'validator_key.json')), false, 'no key link beside a voter');
  });
});
