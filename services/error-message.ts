/**
 * The message of anything thrown, for logs, events and operator errors. `catch` gives `unknown`;
 * this is the one place that turns it into text, instead of `(error as Error).message` casts.
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
