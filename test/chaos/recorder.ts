// Follows the shared NEARD_STANDIN_VALIDATOR_LOG and the pids it names: every few ms it reads new
// records, then checks which validating pids died. A death without a stop record (SIGKILL) ends the
// interval at the time it was observed, an upper bound, so the overlap check errs on the safe side.
import { closeSync, existsSync, openSync, readSync, writeFileSync } from 'node:fs';
import type { ValidatingInterval } from './checker.js';
import { isDead, nowMs } from './proc.js';

interface LogRecord {
  event: 'validator_start' | 'validator_stop';
  pid: number;
  /** The neard home of the process (the stand-in writes it). */
  home?: string;
  t_ms: number;
}

export class ValidatorRecorder {
  readonly intervals: ValidatingInterval[] = [];
  private offset = 0;
  private partial = '';
  private timer: NodeJS.Timeout | undefined;
  /** Longest gap between two polls since the last reset, to state the checker's actual resolution. */
  maxPollGapMs = 0;
  private lastPoll = 0;

  constructor(readonly path: string, private readonly pollMs = 3) {
    writeFileSync(path, '');
  }

  start(): void {
    this.lastPoll = nowMs();
    this.timer = setInterval(() => this.poll(), this.pollMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.poll();
  }

  /** Start measuring the poll gap afresh (at a fault: gaps during setup cannot hide an overlap). */
  resetPollGap(): void {
    this.maxPollGapMs = 0;
  }

  /** Intervals of one pid still open (validating now, as far as the harness knows). */
  openIntervals(): ValidatingInterval[] {
    return this.intervals.filter((i) => i.end === null);
  }

  /** First validator_start after `since` by a pid other than `exceptPid` (and not of the neard home `exceptHome`). */
  firstStartAfter(since: number, exceptPid: number | null, exceptHome?: string): ValidatingInterval | undefined {
    return this.intervals.find((i) => i.start >= since && i.pid !== exceptPid && (exceptHome === undefined || i.home !== exceptHome));
  }

  poll(): void {
    const previous = this.lastPoll;
    const now = nowMs();
    this.maxPollGapMs = Math.max(this.maxPollGapMs, now - previous);
    this.readNew();
    for (const interval of this.intervals) {
      if (interval.end === null && isDead(interval.pid)) {
        interval.end = nowMs();
        interval.endKind = 'death';
        // It was alive at the previous poll (or its start record was read only now).
        interval.endUncertaintyMs = interval.end - Math.max(previous, interval.start);
      }
    }
    this.lastPoll = nowMs();
  }

  private readNew(): void {
    if (!existsSync(this.path)) return;
    const fd = openSync(this.path, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        this.partial += buffer.subarray(0, n).toString('utf8');
      }
    } finally {
      closeSync(fd);
    }
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) this.apply(JSON.parse(line) as LogRecord);
  }

  private apply(record: LogRecord): void {
    if (record.event === 'validator_start') {
      this.intervals.push({ pid: record.pid, start: record.t_ms, end: null, endKind: 'open', ...(record.home === undefined ? {} : { home: record.home }) });
      return;
    }
    // A stop record is exact; it replaces a death time observed a moment before it was read.
    const open = [...this.intervals].reverse().find((i) => i.pid === record.pid && i.endKind !== 'stop');
    if (open) {
      open.end = record.t_ms;
      open.endKind = 'stop';
      delete open.endUncertaintyMs;
    }
  }
}
