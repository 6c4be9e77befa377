/**
 * Run a Node script of the build (a bench, kuutamoctl) as a child process and collect what it printed:
 * stdout and stderr interleaved as they came, and its exit code once it ended. No timeout: the caller's
 * test (or the bench's own deadlines) bounds it.
 */
import { spawn } from 'node:child_process';

export interface ScriptResult {
  code: number | null;
  /** stdout and stderr together, in arrival order. */
  output: string;
}

export function runNodeScript(script: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], options);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}
