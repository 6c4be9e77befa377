// The harness's own view of the leader key: Consul blocking queries on the servers' HTTP APIs (the
// next server on any error, e.g. the one just killed), recording each change with its time.
import { nextBlockingIndex } from '../../services/consul/blocking-index.js';
import { nowMs } from './proc.js';

export interface LockChange {
  t: number;
  session: string | null;
}

export class LockWatcher {
  readonly changes: LockChange[] = [];
  private stopped = false;
  private abort = new AbortController();
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly serverUrls: () => string[], private readonly key: string) {}

  start(): void {
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.done;
  }

  current(): string | null {
    return this.changes[this.changes.length - 1]?.session ?? null;
  }

  /** First time after `since` the key names a session other than `oldSession`. */
  handoverAfter(since: number, oldSession: string | null): LockChange | undefined {
    return this.changes.find((c) => c.t >= since && c.session !== null && c.session !== oldSession);
  }

  private async loop(): Promise<void> {
    let index = '0';
    for (let attempt = 0; !this.stopped; attempt++) {
      const urls = this.serverUrls();
      const url = urls[attempt % urls.length];
      if (url === undefined) return;
      try {
        this.abort = new AbortController();
        const timeout = setTimeout(() => this.abort.abort(), 40_000);
        const response = await fetch(`${url}/v1/kv/${this.key}?index=${index}&wait=30s`, { signal: this.abort.signal });
        clearTimeout(timeout);
        const body = response.status === 200 ? ((await response.json()) as Array<{ Session?: string }>) : [];
        if (response.status !== 200 && response.status !== 404) throw new Error(`HTTP ${response.status}`);
        index = nextBlockingIndex(index, response.headers.get('x-consul-index') ?? undefined).index;
        const session = body[0]?.Session ?? null;
        if (this.changes.length === 0 || this.current() !== session) this.changes.push({ t: nowMs(), session });
        attempt--; // stay on a server that answers
      } catch {
        if (this.stopped) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}
