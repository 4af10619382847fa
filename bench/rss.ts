import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

/** Samples a process's RSS every `everyMs` until stopped; reports the peak. */
export function watchRss(pid: number, everyMs = 50): { stop(): { baseline: number; peak: number } } {
  const baseline = rssOf(pid);
  let peak = baseline;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {
      // process gone: keep the last peak
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { baseline, peak };
    },
  };
}
