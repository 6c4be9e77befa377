/**
 * An error meant for the operator: what is wrong, where (file, flag) and what to do.
 * The CLIs print its message alone, without a stack trace, and exit non-zero.
 */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';
}
