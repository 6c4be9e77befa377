// How often each daemon entered Validating in a time window, from its log (the /state history is
// bounded). More than a few entries in one trial is flapping: the lock taken and dropped in a loop.
import { readFileSync } from 'node:fs';
import type { ChaosNode } from './cluster.js';

export const FLAP_LIMIT = 3;

export function validatingEntries(node: ChaosNode, from: number, to: number): number {
  let text: string;
  try {
    text = readFileSync(node.daemon.logFile, 'utf8');
  } catch {
    return 0;
  }
  let n = 0;
  for (const line of text.split('\n')) {
    if (!line.includes('-> Validating"')) continue;
    try {
      const { time } = JSON.parse(line) as { time?: number };
      if (time !== undefined && time >= from && time <= to) n++;
    } catch {
      // a neard line that happens to contain the text
    }
  }
  return n;
}
