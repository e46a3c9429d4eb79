// Stopping a search cleanly: an interrupt (Ctrl-C, relayed by the CLI) and
// memory limits are checked now and then by every strategy, which then
// returns its partial statistics as an incomplete result instead of dying.
import { getHeapStatistics } from 'node:v8';

export interface Stops {
  /** Polled now and then: a reason to stop now (e.g. `interrupted (Ctrl-C)`), or undefined. */
  readonly shouldStop?: () => string | undefined;
  /** Stop when the process's resident memory exceeds this many megabytes. */
  readonly maxMemoryMb?: number;
}

const heapLimit = getHeapStatistics().heap_size_limit;

/** A reason to stop for memory: over `--max-memory`, or the JavaScript heap nearly full (where V8 would abort). */
export function memoryStop(opts: Stops): string | undefined {
  const m = process.memoryUsage();
  if (opts.maxMemoryMb !== undefined && m.rss > opts.maxMemoryMb * 1048576) {
    return `stopped: memory (${Math.round(m.rss / 1048576)} MB in use, --max-memory ${opts.maxMemoryMb})`;
  }
  if (m.heapUsed > 0.85 * heapLimit) {
    return `stopped: memory (the JavaScript heap is nearly full: ${Math.round(m.heapUsed / 1048576)} of ${Math.round(heapLimit / 1048576)} MB)`;
  }
  return undefined;
}
