// One trial: from a healthy world, inject a fault, measure lock handover and the next validator,
// heal, and judge recovery against the bound. Overlaps are judged later over the whole record.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosNode, ChaosWorld } from './cluster.js';
import { faultBoundMs, type Fault } from './faults.js';
import { FLAP_LIMIT, validatingEntries } from './flaps.js';
import { waitHealthy } from './health.js';
import { nowMs } from './proc.js';
import { untilValue, WaitTimeoutError } from '../support/until.js';

export interface TrialResult {
  fault: Fault['id'];
  trial: number;
  detail: string;
  /** Wall clock ms of the fault and of the end of the trial (healthy again or given up). */
  t0: number;
  tEnd: number;
  oldNode: string;
  oldNeardPid: number;
  /** ms from the fault until the key names another session; null if the lock never moved. */
  handoverMs: number | null;
  /** ms until a validator_start by another pid (0 if the old validator never stopped). */
  newValidatorMs: number | null;
  /** ms until the old validating neard was seen dead (null: it never died). */
  oldDeathMs: number | null;
  /** ms from the old neard's death to the lock naming another session (null unless both happened). */
  lockFreeAfterDeathMs: number | null;
  recovered: boolean;
  /** Largest gap between two recorder polls during the trial. */
  pollGapMs: number;
  /** How late the old neard's death time may be (the poll gap around it); null if it wrote a stop record. */
  deathUncertaintyMs: number | null;
  /** Most entries into Validating by one daemon during the trial (> FLAP_LIMIT: flapping, a warning). */
  maxValidatingEntries: number;
  /** Why the trial failed, if it did (overlaps are added by the checker). */
  problems: string[];
}

const FENCE_SLACK_MS = 500;
const HEALTHY_TIMEOUT_MS = 120_000;

export async function runTrial(world: ChaosWorld, fault: Fault, trial: number, log: (line: string) => void): Promise<TrialResult> {
  const { leader, view } = await waitHealthy(world, HEALTHY_TIMEOUT_MS);
  const oldPid = view.neardPid!;
  const oldSession = view.sessionId;
  const bound = faultBoundMs(fault, world.timings);
  const injectStart = nowMs();
  world.recorder.resetPollGap();
  const injected = await fault.inject({ world, leader, neardPid: oldPid, session: oldSession, trial });
  // A mid-handover fault first brings a switchover under way: the fault's own moment is t0.
  const t0 = injected.at ?? injectStart;
  const notHandoverSession = injected.notHandoverSession === undefined ? oldSession : injected.notHandoverSession;
  let healed = false;
  const healing =
    injected.healAt === 'recovery'
      ? null
      : sleep(injected.healAt === 'now' ? 0 : Math.max(0, t0 + injected.healAt - nowMs())).then(async () => {
          await injected.heal();
          healed = true;
        });

  const problems: string[] = [];
  // Looked for every 10 ms until the bound: a recovery first seen past it is none.
  const newValidatorMs = await untilValue(
    `a validator within the bound of ${bound} ms`,
    () => {
      if (nowMs() >= t0 + bound) return undefined;
      // From the injection's start: a candidate may start validating while the harness is still catching the phase.
      const next = world.recorder.firstStartAfter(injectStart, oldPid, injected.notRecoveryHome);
      if (next) return next.start - t0;
      // A fault that does not move the lock (e.g. a Consul server restart) recovers with no outage.
      const old = world.recorder.intervals.findLast((i) => i.pid === oldPid && i.end === null);
      return fault.mayKeepValidator && healed && old && world.lock.current() === oldSession ? 0 : undefined;
    },
    { timeoutMs: Math.max(0, t0 + bound - nowMs()), intervalMs: 10 },
  ).catch((error: unknown) => {
    if (error instanceof WaitTimeoutError) return null;
    throw error;
  });
  if (newValidatorMs === null) problems.push(`no validator within the bound of ${bound} ms`);
  if (injected.healAt === 'recovery') await injected.heal();
  await healing;
  // Back to healthy before the next trial; the restarted or thawed node must rejoin as a standby.
  let validator: ChaosNode | null = null;
  try {
    validator = (await waitHealthy(world, HEALTHY_TIMEOUT_MS)).leader;
  } catch (error) {
    problems.push((error as Error).message);
  }
  // A mid-handover fault: the switchover's record must have ended (done or failed), not be left waiting.
  const settled = injected.settled && validator ? await injected.settled(validator) : null;
  if (settled?.problem) problems.push(settled.problem);
  const detail = settled ? `${injected.detail}; ${settled.outcome}` : injected.detail;

  // The last such interval: pids wrap (pid_max is 32768 here), and in a soak an early neard may have had
  // this pid too; taking the first put a death 33 minutes before the fault (a 1975 s "lock free after").
  const oldInterval = world.recorder.intervals.findLast((i) => i.pid === oldPid && i.start < t0);
  const oldDeathMs = oldInterval?.end != null ? oldInterval.end - t0 : null;
  const fenceLimit = world.timings.ttlMs - world.timings.fenceMarginMs + FENCE_SLACK_MS;
  if (fault.fenced && oldDeathMs !== null && newValidatorMs !== 0 && oldDeathMs > fenceLimit) {
    problems.push(`old neard died ${Math.round(oldDeathMs)} ms after the fault, later than TTL - fence margin (+${FENCE_SLACK_MS} ms)`);
  }
  // Fault 7: the graceful stop outlasts the lease, so only the guard's SIGKILL (no stop record) can end it in time.
  if (fault.id === 'slow-stop-partition' && oldInterval && oldInterval.endKind !== 'death') {
    problems.push(`old neard ended by ${oldInterval.endKind}, not by the guard's SIGKILL`);
  }
  const handover = world.lock.handoverAfter(t0, notHandoverSession);
  // A fault that must move nothing (a halted chain, a flaky leader): any other validator or lock holder fails it.
  if (fault.noMove && newValidatorMs !== null && newValidatorMs > 0) problems.push(`another neard validated ${Math.round(newValidatorMs)} ms after the fault: the role moved`);
  if (fault.noMove && handover) problems.push(`the lock moved ${Math.round(handover.t - t0)} ms after the fault`);
  const lockFreeAfterDeathMs = handover && oldDeathMs !== null ? handover.t - t0 - oldDeathMs : null;
  if (fault.lockFreeAfterDeathMs !== undefined && lockFreeAfterDeathMs !== null && lockFreeAfterDeathMs > fault.lockFreeAfterDeathMs) {
    problems.push(`lock moved ${Math.round(lockFreeAfterDeathMs)} ms after the old neard died, later than ${fault.lockFreeAfterDeathMs} ms`);
  }
  const tEnd = nowMs();
  const entries = world.nodes.map((node) => validatingEntries(node, t0, tEnd));
  const maxValidatingEntries = Math.max(0, ...entries);
  const result: TrialResult = {
    fault: fault.id,
    trial,
    detail,
    t0,
    tEnd,
    oldNode: leader.name,
    oldNeardPid: oldPid,
    handoverMs: handover ? handover.t - t0 : null,
    newValidatorMs,
    oldDeathMs,
    lockFreeAfterDeathMs,
    recovered: newValidatorMs !== null && newValidatorMs <= bound,
    pollGapMs: world.recorder.maxPollGapMs,
    deathUncertaintyMs: oldInterval?.endUncertaintyMs ?? null,
    maxValidatingEntries,
    problems,
  };
  const f = (ms: number | null) => (ms === null ? '-' : `${Math.round(ms)}ms`);
  log(
    `${fault.id} #${trial + 1} (${detail}, leader ${leader.name}): lock handover ${f(result.handoverMs)}, ` +
      `new validator ${f(newValidatorMs)}, old neard dead ${f(oldDeathMs)}, lock free after its death ${f(lockFreeAfterDeathMs)}` +
      `${maxValidatingEntries > FLAP_LIMIT ? `, FLAPPING: ${entries.map((n, i) => `${world.nodes[i]?.name} entered Validating ${n}x`).join(', ')}` : ''}${problems.length ? ` PROBLEMS: ${problems.join('; ')}` : ''}`,
  );
  return result;
}
