/** Small load helpers for the benchmarks: bounded in count and time, loopback only. */
export type Sample = { ms: number; ok: boolean };

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** Runs `task` from `concurrency` workers until `seconds` pass; returns every sample. */
export async function closedLoop(concurrency: number, seconds: number, task: () => Promise<boolean>): Promise<Sample[]> {
  const samples: Sample[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const ok = await task().catch(() => false);
        samples.push({ ms: performance.now() - t0, ok });
      }
    }),
  );
  return samples;
}

/** Starts `task` at a fixed rate for `seconds`, without waiting for earlier ones (open loop). */
export async function openLoop<T>(ratePerSecond: number, seconds: number, task: () => Promise<T>): Promise<T[]> {
  const total = Math.max(1, Math.round(ratePerSecond * seconds));
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  const running: Promise<T>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    running.push(task());
  }
  return Promise.all(running);
}

export const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

/** The i-th create of a stack bench: few users, devices and emails, as a load generator's traffic is. */
export function stackCreateBody(i: number): string {
  return JSON.stringify({
    uuid: `bench-user-${i % 500}`,
    udid: `BENCH-DEVICE-${i % 700}`,
    subject: 'App crashes on start',
    message: 'Closes after the splash screen.',
    email: `bench-${i % 900}@example.com`,
    category: 'crash',
  });
}
