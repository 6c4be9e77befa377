/**
 * Port choice: the tutorial's well-known ports (8500, 2233, 24567, ...) when they are free, so the
 * docs' commands work as written; kernel-picked free ports otherwise, never one already chosen.
 */
import { createServer } from 'node:net';

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const address = server.address();
      const bound = address !== null && typeof address === 'object' ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

export class PortPicker {
  private readonly taken = new Set<number>();

  constructor(private readonly usePreferred = true) {}

  /** A well-known port if free (and wanted), else a fresh free port. */
  pick(preferred = 0): Promise<number> {
    return this.keepOrPick(this.usePreferred ? preferred : 0);
  }

  /** `current` if it is free and not yet handed out (a port a config already names), else a fresh one. */
  async keepOrPick(current: number): Promise<number> {
    if (current > 0 && !this.taken.has(current) && (await tryListen(current)) !== null) {
      this.taken.add(current);
      return current;
    }
    for (let attempt = 0; attempt < 100; attempt++) {
      const port = await tryListen(0);
      if (port !== null && !this.taken.has(port)) {
        this.taken.add(port);
        return port;
      }
    }
    throw new Error('no free TCP port on 127.0.0.1');
  }
}
