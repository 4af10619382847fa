import { describe, expect, it } from 'vitest';
import { nextLevel, walkBuckets } from './bucket-walk';
import { BUCKET_SIZES_MS, TOP_LEVEL, blockOf, bucketKey, timeBuckets } from './time-buckets';

type Row = { createdAt: number; id: number };

/** A collection of rows and a probe that answers like the bucket query: equality on `tb`, then the rest in memory. */
function fakeCollection(rows: Row[], lower = -Infinity) {
  const probes: { level: number; matched: number }[] = [];
  const probe = async ({ level, bucket }: { level: number; bucket: number }, below: number, limit: number) => {
    const inBucket = rows.filter((r) => timeBuckets(r.createdAt).includes(bucketKey(level, bucket)));
    probes.push({ level, matched: inBucket.length });
    return inBucket
      .filter((r) => r.createdAt < below && r.createdAt >= lower)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
      .slice(0, limit);
  };
  const newest = new Map<number, number>();
  for (const r of rows) newest.set(blockOf(r.createdAt), Math.max(newest.get(blockOf(r.createdAt)) ?? -Infinity, r.createdAt));
  return { probe, probes, blocks: [...newest].map(([block, at]) => ({ block, newest: at })) };
}

function seeded(seed: number) {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('time buckets', () => {
  it('nest: a bucket is a whole number of buckets of the level below', () => {
    for (let level = 1; level < BUCKET_SIZES_MS.length; level++) expect(BUCKET_SIZES_MS[level]! % BUCKET_SIZES_MS[level - 1]!).toBe(0);
    expect(timeBuckets(Date.UTC(2024, 0, 1, 0, 14))).toEqual(['0:1893408', '1:236676', '2:19723', '3:2465', '4:308']);
  });
});

describe('walkBuckets', () => {
  const start = Date.UTC(2022, 0, 1);

  it('returns the newest matches in order, exactly as a sort of all rows would, for any bounds', async () => {
    const random = seeded(7);
    // Bursts, gaps of months, ties in one millisecond.
    const rows: Row[] = [];
    for (let i = 0; i < 400; i++) {
      const burst = Math.floor(random() * 6) * 97 * 86_400_000;
      rows.push({ createdAt: start + burst + Math.floor(random() ** 3 * 20 * 86_400_000), id: i });
    }
    rows.push({ createdAt: rows[5]!.createdAt, id: 1000 });
    const sorted = [...rows].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
    for (const [upper, lower, need] of [
      [Infinity, -Infinity, 10],
      [Infinity, -Infinity, 1000],
      [sorted[150]!.createdAt, -Infinity, 30],
      [sorted[20]!.createdAt + 1, sorted[300]!.createdAt, 500],
      [start + 250 * 86_400_000, start + 90 * 86_400_000, 7],
      [start - 1, -Infinity, 5],
    ]) {
      const expected = sorted.filter((r) => r.createdAt < upper! && r.createdAt >= lower!).slice(0, need);
      const { probe, blocks } = fakeCollection(rows, lower);
      const { rows: found } = await walkBuckets({ blocks, upper: upper!, lower: lower!, need: need!, targetRows: 25 }, probe);
      expect(found, `upper ${upper} lower ${lower} need ${need}`).toEqual(expected);
    }
  });

  it('coarsens its buckets where matches are sparse, so a rare match far back costs few probes', async () => {
    const rows = [
      { createdAt: start, id: 1 },
      { createdAt: start + 3 * 365 * 86_400_000, id: 2 },
    ];
    const { probe, probes, blocks } = fakeCollection(rows);
    const { rows: found } = await walkBuckets({ blocks, upper: Infinity, lower: -Infinity, need: 3, targetRows: 100 }, probe);
    expect(found.map((r) => r.id)).toEqual([2, 1]);
    // Up to the top level within a few probes, and empty blocks between skipped.
    expect(probes.length).toBeLessThan(12);
    expect(probes.at(-1)!.level).toBe(TOP_LEVEL);
  });

  it('keeps buckets fine where matches are dense, so no probe decodes much more than its target', async () => {
    // 1,000 a day for 30 days: ~10 per 15 minutes.
    const rows = Array.from({ length: 30_000 }, (_, i) => ({ createdAt: start + i * 86_400, id: i }));
    const { probe, probes, blocks } = fakeCollection(rows);
    await walkBuckets({ blocks, upper: Infinity, lower: -Infinity, need: 500, targetRows: 100 }, probe);
    expect(Math.max(...probes.map((p) => p.matched))).toBeLessThanOrEqual(100);
  });

  it('goes up one level at a time and down as far as the density asks', () => {
    expect(nextLevel(0, 0, 100)).toBe(1);
    expect(nextLevel(TOP_LEVEL, 0, 100)).toBe(TOP_LEVEL);
    const perDay = (n: number) => n / 86_400_000;
    expect(nextLevel(3, perDay(1_000), 100)).toBe(1); // ~83 per 2 hours
    expect(nextLevel(3, perDay(2_000), 100)).toBe(0); // ~167 per 2 hours: 15 minutes
    expect(nextLevel(1, perDay(50), 100)).toBe(2); // 50 a day
  });
});
