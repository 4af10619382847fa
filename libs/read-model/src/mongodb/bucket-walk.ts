import { BUCKET_SIZES_MS, TOP_LEVEL, blockOf, bucketOf, bucketStart } from './time-buckets';

/**
 * Why walk: FerretDB 1.24 pushes only equality filters down to PostgreSQL; it
 * sorts, limits and tests ranges in its own memory, after decoding every
 * document that matched the equalities. A search by status alone over a million
 * tickets would decode a third of them for one page. Equality on a time bucket
 * (time-buckets.ts) bounds that: the walk asks for the newest bucket first, then
 * older ones, until the page is full, each probe decoding only its bucket's
 * matches.
 *
 * Bucket size adapts to what the probes find: where matches are sparse the next
 * probe takes a bucket one level coarser (fewer round trips), where they are
 * dense a finer one, so a probe decodes about `targetRows` documents. It grows
 * one level at a time, so a sudden rise in density (old tickets are mostly
 * solved, new ones are not) costs at most one probe of the level reached.
 */
export type WalkRequest = {
  /**
   * Top-level buckets (blocks) that hold tickets, each with its newest creation
   * date: the walk starts at the newest ticket (not at the block's end, where an
   * empty stretch would coarsen the buckets before the first dense one), jumps
   * over empty blocks, and ends after the oldest.
   */
  blocks: readonly { block: number; newest: number }[];
  /** Exclusive upper bound on creation dates (Infinity: from the newest ticket). */
  upper: number;
  /** Inclusive lower bound (-Infinity: to the oldest). */
  lower: number;
  /** Rows wanted. */
  need: number;
  targetRows: number;
};

/** One bucket's matches created before `below`, newest first, at most `limit`. */
export type Probe<T> = (bucket: { level: number; bucket: number }, below: number, limit: number) => Promise<T[]>;

export async function walkBuckets<T>(request: WalkRequest, probe: Probe<T>): Promise<{ rows: T[]; probes: number }> {
  const blocks = [...request.blocks].sort((a, b) => b.block - a.block);
  const rows: T[] = [];
  let probes = 0;
  let level = 0;
  let pos = request.upper;
  while (rows.length < request.need && pos > request.lower) {
    // The newest block at or before pos; start there at its newest ticket.
    const here = pos === Infinity ? Infinity : blockOf(pos - 1);
    const block = blocks.find((b) => b.block <= here);
    if (!block) break;
    if (block.block < here || block.newest < pos - 1) {
      pos = Math.min(pos, block.newest + 1, bucketStart(TOP_LEVEL, block.block + 1));
      if (pos <= request.lower) break;
    }
    const bucket = bucketOf(pos - 1, level);
    const start = bucketStart(level, bucket);
    const found = await probe({ level, bucket }, pos, request.need - rows.length);
    probes++;
    rows.push(...found);
    const density = found.length / (pos - Math.max(start, request.lower));
    pos = start;
    level = nextLevel(level, density, request.targetRows);
  }
  return { rows, probes };
}

/** The coarsest level, at most one above `level`, at which a probe is expected to find at most `targetRows`. */
export function nextLevel(level: number, density: number, targetRows: number): number {
  let next = Math.min(level + 1, TOP_LEVEL);
  while (next > 0 && density * BUCKET_SIZES_MS[next]! > targetRows) next--;
  return next;
}
