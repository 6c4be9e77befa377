// RocksDB holds an exclusive lock on <home>/data/LOCK: a second neard on the same home
// fails to start until the first has exited. Emulated with a pid file; a lock left by a
// dead (e.g. SIGKILLed) process is stale and taken over, as the kernel drops fcntl locks.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Guard against pid reuse by an unrelated process where /proc tells us.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('neard');
  } catch {
    return true;
  }
}

export class DbLock {
  private constructor(readonly path: string) {}

  /** Throws a RocksDB-like error if another live neard holds the lock. */
  static acquire(home: string): DbLock {
    const dir = join(home, 'data');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'LOCK');
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        // O_EXCL: of two neards racing for the same home only one wins.
        writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
        return new DbLock(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let holder: number;
      try {
        holder = Number(readFileSync(path, 'utf8').trim());
      } catch {
        continue; // released meanwhile
      }
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new Error(`IO error: While lock file: ${path}: Resource temporarily unavailable (held by pid ${holder})`);
      }
      try {
        // Stale: remove it unless someone took it over since we read it.
        if (Number(readFileSync(path, 'utf8').trim()) === holder) unlinkSync(path);
      } catch {
        // someone else removed it
      }
    }
    throw new Error(`IO error: While lock file: ${path}: could not take the lock`);
  }

  /** Synchronous so it also runs from process 'exit'. */
  release(): void {
    try {
      if (Number(readFileSync(this.path, 'utf8').trim()) === process.pid) unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}
