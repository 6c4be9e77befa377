// The polling wait of tests that watch something they do not own (a Consul count, a /proc entry):
// checks a condition every 20 ms, never sleeps a fixed time, and names what it waited for on timeout.
import { setTimeout as sleep } from 'node:timers/promises';

/** Poll `condition` every 20 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
