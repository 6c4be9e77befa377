/**
 * An error that names its kind of failure (`failure`), for callers that answer each kind differently
 * (an HTTP status, a message telling the operator what to do instead). Each outside call has its own
 * subclass, so `instanceof` says which call failed and `failure` how.
 */
export class FailureError<F extends string> extends Error {
  constructor(
    readonly failure: F,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
