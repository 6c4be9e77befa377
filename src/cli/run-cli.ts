/** Shared ending of both CLIs: operator errors print one clear line, anything else its stack too. */
import { OperatorError } from '../errors.js';

export function runCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof OperatorError) {
        process.stderr.write(`${name}: error: ${error.message}\n`);
      } else {
        process.stderr.write(`${name}: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
      }
      process.exit(1);
    },
  );
}
