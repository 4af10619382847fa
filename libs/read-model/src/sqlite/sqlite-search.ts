import { SEARCH_KEY_FIELDS, type NormalizedQuery, type Page } from '../ticket-read-model.port';
import { KEY_COLUMNS, type TableNames } from './sqlite-layout';

export type Sql = { sql: string; params: unknown[] };

/**
 * How free text joins the other filters. `drive`: rows come from the word
 * index (few matches: fetch them all, sort). `check`: rows come in order from a
 * key or date index and each is checked against the word index, stopping when
 * the page is full (many matches, or a selective key beside the words).
 */
export type WordsPlan = 'drive' | 'check';

const ORDER = 'ORDER BY t.created_at DESC, t.record_id DESC';

/** The page's statement and, for offset pages, the count's, for a normalized query. */
export function searchSql(names: TableNames, query: NormalizedQuery, page: Page, wordsPlan: WordsPlan): { page: Sql; count?: Sql } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    params.push(...values);
  };
  for (const field of SEARCH_KEY_FIELDS) {
    const value = query.keys[field];
    if (value !== undefined) add(`t.${KEY_COLUMNS[field]} = ?`, value);
  }
  if (query.ticketStatus !== undefined) add(`t.${KEY_COLUMNS.ticketStatus} = ?`, query.ticketStatus);
  if (query.syncStatus !== undefined) add(`t.${KEY_COLUMNS.syncStatus} = ?`, query.syncStatus);
  if (query.category !== undefined) add(`t.${KEY_COLUMNS.category} = ?`, query.category);
  if (query.createdFrom !== undefined) add('t.created_at >= ?', query.createdFrom);
  if (query.createdTo !== undefined) add('t.created_at < ?', query.createdTo);

  let from = `${names.tickets} AS t`;
  if (query.words) {
    if (wordsPlan === 'drive') {
      // CROSS JOIN keeps the word index as the outer loop (SQLite never reorders it).
      from = `${names.words} CROSS JOIN ${names.tickets} AS t ON t.id = ${names.words}.rowid`;
      where.unshift(`${names.words} MATCH ?`);
      params.unshift(matchExpression(query.words));
    } else {
      add(`EXISTS (SELECT 1 FROM ${names.words} WHERE ${names.words} MATCH ? AND rowid = t.id)`, matchExpression(query.words));
    }
  }
  const filtered = [...where];
  const filteredParams = [...params];
  const whereSql = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

  if ('after' in page) {
    // Keyset: everything strictly after the last row shown, in the same order. The
    // `<=` bounds the index range; the OR settles rows of the same millisecond.
    const conditions = [...filtered, 't.created_at <= ?', '(t.created_at < ? OR t.record_id < ?)'];
    const values = [...filteredParams, page.after.createdAt, page.after.createdAt, page.after.recordId, page.limit + 1];
    return { page: { sql: `SELECT t.doc FROM ${from} ${whereSql(conditions)} ${ORDER} LIMIT ?`, params: values } };
  }
  // Offset: the skipped rows are counted off inside the index (it holds the sort
  // key and the row id), and only the page's rows are read whole.
  const ids = `SELECT t.id FROM ${from} ${whereSql(filtered)} ${ORDER} LIMIT ? OFFSET ?`;
  return {
    page: {
      sql: `SELECT t.doc FROM ${names.tickets} AS t WHERE t.id IN (${ids}) ${ORDER}`,
      params: [...filteredParams, page.limit + 1, page.offset],
    },
    count: { sql: `SELECT COUNT(*) AS n FROM ${from} ${whereSql(filtered)}`, params: filteredParams },
  };
}

/** Every word, each as its own quoted phrase: FTS5 ANDs them, and no word can be read as query syntax. */
export function matchExpression(words: readonly string[]): string {
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' ');
}

/**
 * drive when the words match at most `threshold` rows, counted with a bounded
 * probe of the word index. Around √(rows needed × table size) the two plans
 * cost the same: below it fetching every match is cheaper than walking an index
 * until enough matches turned up, above it the walk is.
 */
export function wordsThreshold(rowsNeeded: number, tableRows: number): number {
  return Math.min(20_000, Math.max(200, Math.ceil(Math.sqrt(rowsNeeded * Math.max(1, tableRows)))));
}
