// A leader that is past its neard restart: the daemon Validating AND its neard answering /status
// with the pool's validator account. waitForLeaderAndStandby alone returns as soon as the
// validator neard is spawned, while the chart can still fall back to Startup if that neard is
// slow to answer (seen on a loaded machine), which would make "who leads" assertions racy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForLeaderAndStandby, type Kuutamod } from './kuutamod.js';
import { until, untilValue } from './until.js';

async function neardValidates(home: string): Promise<boolean> {
  try {
    const rpc = (JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { rpc: { addr: string } }).rpc.addr;
    const status = (await (await fetch(`http://${rpc}/status`, { signal: AbortSignal.timeout(2_000) })).json()) as { validator_account_id?: string | null };
    return Boolean(status.validator_account_id);
  } catch {
    return false;
  }
}

/** Wait until `daemon` validates past its neard restart (see the top of this file). */
export async function waitForStableValidator(daemon: Kuutamod, home: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await until(
    `${daemon.nodeId} validating steadily`,
    async () => {
      await daemon.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'Validating', Math.max(1_000, deadline - Date.now()));
      return (await neardValidates(home)) && (await daemon.state()).state === 'Validating';
    },
    { timeoutMs, intervalMs: 100, detail: () => daemon.log().slice(-2000) },
  );
}

/** [leader, standby] once the leader's validator neard answers; `homeOf` maps a daemon to its neard home. */
export async function waitForStableLeader(a: Kuutamod, b: Kuutamod, homeOf: (daemon: Kuutamod) => string, timeoutMs = 60_000): Promise<[Kuutamod, Kuutamod]> {
  const deadline = Date.now() + timeoutMs;
  return untilValue(
    'a stable leader',
    async (): Promise<[Kuutamod, Kuutamod] | undefined> => {
      const [leader, standby] = await waitForLeaderAndStandby(a, b, Math.max(1_000, deadline - Date.now()));
      if (!(await neardValidates(homeOf(leader)))) return undefined;
      const [now, other] = await Promise.all([leader.state(), standby.state()]);
      return now.state === 'Validating' && now.neardMode === 'validator' && other.state === 'Voting' ? [leader, standby] : undefined;
    },
    { timeoutMs, intervalMs: 100, detail: () => `${a.log().slice(-2000)}\n${b.log().slice(-2000)}` },
  );
}

/** SIGTERM the leader; resolves once the standby validates steadily and the leader exited cleanly. */
export async function failOverBySigterm(leader: Kuutamod, standby: Kuutamod, standbyHome: string): Promise<void> {
  leader.process.kill('SIGTERM');
  await waitForStableValidator(standby, standbyHome);
  const exit = await leader.exited;
  if (exit.code !== 0) throw new Error(`${leader.nodeId} exited with ${exit.code ?? exit.signal} on SIGTERM\n${leader.log().slice(-2000)}`);
}
