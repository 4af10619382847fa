/**
 * Time buckets for FerretDB (bucket-walk.ts). Each ticket carries, in one array
 * field `tb`, the bucket of its creation date at every level: `"<level>:<n>"`
 * with n = floor(createdAt / size). Sizes are nested from the epoch (each is a
 * multiple of the one before), so a bucket at one level is a whole number of
 * buckets at the level below.
 */
export const BUCKET_SIZES_MS = [
  15 * 60_000, // 15 minutes
  2 * 3_600_000, // 2 hours
  86_400_000, // 1 day
  8 * 86_400_000, // 8 days
  64 * 86_400_000, // 64 days: a block, the unit of the block directory
] as const;

export const TOP_LEVEL = BUCKET_SIZES_MS.length - 1;

export function bucketOf(createdAt: number, level: number): number {
  return Math.floor(createdAt / BUCKET_SIZES_MS[level]!);
}

export function bucketKey(level: number, bucket: number): string {
  return `${level}:${bucket}`;
}

/** The `tb` field of a ticket created at `createdAt`. */
export function timeBuckets(createdAt: number): string[] {
  return BUCKET_SIZES_MS.map((_, level) => bucketKey(level, bucketOf(createdAt, level)));
}

export function blockOf(createdAt: number): number {
  return bucketOf(createdAt, TOP_LEVEL);
}

export function bucketStart(level: number, bucket: number): number {
  return bucket * BUCKET_SIZES_MS[level]!;
}
