import { SEARCH_KEY_FIELDS, type NormalizedQuery } from '../ticket-read-model.port';
import { COUNTED_FIELDS, KEY_COLUMNS, ROW_ID_SCALE, type TableNames } from './sqlite-layout';

export type Sql = { sql: string; params: unknown[] };

/**
 * Where counting stops for searches neither a key nor the counts table answers
 * (free text, dates, several statuses): past it a count would read a large part
 * of an index or of a word's list, and the total is left out instead.
 */
export const COUNT_CAP = 1_000;

/**
 * Where a page starts: at an offset, or after a row id (keyset; the row id is
 * the sort key, see sqlite-layout.ts).
 */
export type SqlPage = { limit: number; offset: number } | { limit: number; afterRowId: number };

/**
 * The page's statement and, for offset pages, the count's. Rows come newest
 * first, which is row id descending, from whichever index the planner takes.
 *
 * Free text without a customer or ticket key is read from the word index in
 * row id order (FTS5 keeps rows that way), each row checked against the other
 * filters, until the page is full: a common word fills a page at once, a rare
 * one has few rows to read. With a key (a few rows) each of the key's rows is
 * checked against the word index instead.
 *
 * The count (offset pages): exact from the key's index when a customer or ticket
 * key is given; exact from the counts table (sqlite-layout.ts) for everything or
 * one status or category alone; otherwise up to COUNT_CAP (`capped`).
 */
export function searchSql(names: TableNames, query: NormalizedQuery, page: SqlPage): { page: Sql; count?: Sql & { capped: boolean } } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    params.push(...values);
  };
  const hasKey = SEARCH_KEY_FIELDS.some((f) => query.keys[f] !== undefined);
  const fromWords = query.words !== undefined && !hasKey;
  // The row id column of the outer loop: the word index's when it drives (so FTS5 gets the bounds and the order).
  const id = fromWords ? `${names.words}.rowid` : 't.id';
  if (fromWords) add(`${names.words} MATCH ?`, matchExpression(query.words!));
  for (const field of SEARCH_KEY_FIELDS) {
    const value = query.keys[field];
    if (value !== undefined) add(`t.${KEY_COLUMNS[field]} = ?`, value);
  }
  // Beside a customer or ticket key (a few rows), a status or category is checked on
  // those rows: the unary + keeps the planner off their indexes, whatever its statistics say.
  const checked = hasKey ? '+' : '';
  if (query.ticketStatus !== undefined) add(`${checked}t.${KEY_COLUMNS.ticketStatus} = ?`, query.ticketStatus);
  if (query.syncStatus !== undefined) add(`${checked}t.${KEY_COLUMNS.syncStatus} = ?`, query.syncStatus);
  if (query.category !== undefined) add(`${checked}t.${KEY_COLUMNS.category} = ?`, query.category);
  if (query.createdFrom !== undefined) add(`${id} >= ?`, Math.ceil(query.createdFrom) * ROW_ID_SCALE);
  if (query.createdTo !== undefined) add(`${id} < ?`, Math.ceil(query.createdTo) * ROW_ID_SCALE);
  if (query.words && !fromWords) add(`EXISTS (SELECT 1 FROM ${names.words} WHERE ${names.words} MATCH ? AND rowid = t.id)`, matchExpression(query.words));

  // CROSS JOIN keeps the word index as the outer loop (SQLite never reorders it). Each of its rows is then
  // looked up by row id in the table (NOT INDEXED still allows that), not first in the row-ids index
  // (sqlite-layout.ts), which the planner would otherwise take: an extra seek per row when the row is read.
  const from = fromWords ? `${names.words} CROSS JOIN ${names.tickets} AS t NOT INDEXED ON t.id = ${names.words}.rowid` : `${names.tickets} AS t`;
  const order = `ORDER BY ${id} DESC`;
  const whereSql = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

  if ('afterRowId' in page) {
    return {
      page: { sql: `SELECT t.doc FROM ${from} ${whereSql([...where, `${id} < ?`])} ${order} LIMIT ?`, params: [...params, page.afterRowId, page.limit + 1] },
    };
  }
  // Offset: the skipped rows are counted off by row id alone (inside the index), only the page's rows are read whole.
  const ids = `SELECT ${id} FROM ${from} ${whereSql(where)} ${order} LIMIT ? OFFSET ?`;
  const counted = COUNTED_FIELDS.filter((f) => query[f] !== undefined);
  const fromCounts = !hasKey && !query.words && query.createdFrom === undefined && query.createdTo === undefined && counted.length <= 1;
  const count = hasKey
    ? { sql: `SELECT count(*) AS n FROM ${from} ${whereSql(where)}`, params, capped: false }
    : fromCounts
      ? {
          sql: `SELECT coalesce((SELECT n FROM ${names.counts} WHERE field = ? AND value = ?), 0) AS n`,
          params: counted.length ? [counted[0], query[counted[0]!]] : ['*', ''],
          capped: false,
        }
      : { sql: `SELECT count(*) AS n FROM (SELECT 1 FROM ${from} ${whereSql(where)} LIMIT ?)`, params: [...params, COUNT_CAP + 1], capped: true };
  return {
    page: { sql: `SELECT t.doc FROM ${names.tickets} AS t WHERE t.id IN (${ids}) ORDER BY t.id DESC`, params: [...params, page.limit + 1, page.offset] },
    count,
  };
}

/** Every word, each as its own quoted phrase: FTS5 ANDs them, and no word can be read as query syntax. */
export function matchExpression(words: readonly string[]): string {
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' ');
}
