/**
 * The current Consul ACL token and who wants to hear when it changes. The daemon re-reads its token
 * file on SIGUSR1 (token rotation without a restart) and sets it here; the neard actor passes every
 * change to its guard, which needs a valid token to destroy the session if the daemon dies.
 */
export class ConsulTokenFeed {
  private readonly listeners = new Set<(token: string | undefined) => void>();

  constructor(private token: string | undefined) {}

  get current(): string | undefined {
    return this.token;
  }

  set(token: string | undefined): void {
    this.token = token;
    for (const listener of this.listeners) listener(token);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (token: string | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
