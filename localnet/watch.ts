/**
 * The failover, as it happens: polls each kuutamod's GET /state once a second and reports a line
 * whenever the picture changes, e.g. "kuutamod0 Validating (neard 1234 as validator) | kuutamod1 Voting".
 */
import type { KuutamodInfo } from './plan.js';

export interface StateView {
  state: string | null;
  neardPid: number | null;
  neardMode: string | null;
}

export async function fetchState(url: string): Promise<StateView | null> {
  try {
    const response = await fetch(`${url}/state`, { signal: AbortSignal.timeout(900) });
    return response.ok ? ((await response.json()) as StateView) : null;
  } catch {
    return null;
  }
}

function describe(name: string, view: StateView | null): string {
  if (!view) return `${name} not answering`;
  const neard = view.neardPid ? ` (neard ${view.neardPid}${view.neardMode ? ` as ${view.neardMode}` : ''})` : '';
  return `${name} ${view.state ?? 'starting'}${neard}`;
}

/** Runs until `signal` aborts; calls `report` with a line on each change. */
export async function watchStates(kuutamods: KuutamodInfo[], report: (line: string) => void, signal: AbortSignal): Promise<void> {
  let last = '';
  while (!signal.aborted) {
    const views = await Promise.all(kuutamods.map((k) => fetchState(k.exporterUrl)));
    if (signal.aborted) return;
    const line = kuutamods.map((k, i) => describe(k.name, views[i] ?? null)).join(' | ');
    if (line !== last) {
      report(line);
      last = line;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Poll until `name` reports one of `states` (or the timeout passes). */
export async function waitForState(k: KuutamodInfo, states: string[], timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    const view = await fetchState(k.exporterUrl);
    if (view?.state && states.includes(view.state)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
