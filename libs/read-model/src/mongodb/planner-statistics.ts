import type { Db } from 'mongodb';

/**
 * Gives PostgreSQL's planner statistics of a bulk-loaded collection (FerretDB
 * only: there `collStats` runs ANALYZE on the collection's table; FerretDB
 * offers no other way to ask for it).
 *
 * Why: without statistics PostgreSQL guesses that every pushed-down equality
 * matches 1 % of the rows, so a walk's probe (status, category and a time
 * bucket) ANDs the bitmaps of all their GIN indexes: measured at a million
 * tickets, 1,192 ms for one probe, 960 of them reading the 450,000 entries of
 * "solved" and the 300,000 of "crash". With statistics it reads the bucket's
 * index alone and checks the rest on those rows: 112 ms cold, ~1 ms warm. A
 * table filled by a rebuild is not analyzed until autovacuum gets to it
 * (minutes later, or never when its counters were lost to a server crash).
 * Seconds to a minute at a million documents (ANALYZE samples 30,000 rows).
 */
export async function refreshPlannerStatistics(db: Db, collections: readonly string[]): Promise<void> {
  for (const collection of collections) await db.command({ collStats: collection });
}
