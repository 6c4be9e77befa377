/**
 * The real promtool (Debian's prometheus package, installed by scripts/install-prometheus.sh into
 * .tools/), for tests of the alert rules, the example Prometheus config and the daemon's /metrics text.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export interface PromtoolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** PROMTOOL_BIN, else <repo>/.tools/prometheus/bin/promtool; an error says how to install it. */
export function promtoolBinary(): string {
  const fromEnv = process.env['PROMTOOL_BIN'];
  if (fromEnv) return fromEnv;
  const local = join(REPO_ROOT, '.tools', 'prometheus', 'bin', 'promtool');
  if (!existsSync(local)) throw new Error(`promtool not found at ${local}: run 'bash scripts/install-prometheus.sh' (or set PROMTOOL_BIN)`);
  return local;
}

/** Run promtool with `args` in `cwd`, `input` on stdin; resolves with its exit code and output. */
export function runPromtool(args: string[], options: { cwd?: string; input?: string } = {}): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtoolBinary(), args, { cwd: options.cwd ?? REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
