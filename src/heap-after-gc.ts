/**
 * The live JS heap: V8's heap in use right after the last full (mark-compact) collection. The heap
 * size prom-client reports (nodejs_heap_size_used_bytes) is read at scrape time and swings with
 * garbage not yet collected, and RSS adds the allocator's and V8's reserves; only the heap left
 * after a full collection rises steadily when the daemon leaks JS objects. The soak samples it, and
 * an operator can alert on its trend over days.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

/** Calls `record` with the heap in use after each full collection; returns a function that stops it. */
export function watchHeapAfterFullGc(record: (usedBytes: number) => void): () => void {
  const observer = new PerformanceObserver((list) => {
    const full = list.getEntries().some((entry) => (entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    // Entries arrive in a batch soon after the collection: the heap read now is the heap it left,
    // plus what was allocated since (small beside the live heap).
    if (full) record(getHeapStatistics().used_heap_size);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
