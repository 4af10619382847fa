/**
 * A position in the PostgreSQL store is the pair (transaction id, global position),
 * written `<transaction id>/<global position>`, e.g. `7421/1093`.
 *
 * Why two numbers: positions come from a sequence, and transactions commit in any
 * order. If writer A takes position 10, writer B takes 11 and commits first, a
 * reader that saw 11 and moved on would never see 10. So readers order events by
 * the id of the transaction that wrote them, then by position, and read only
 * transactions older than every one still running (`pg_snapshot_xmin`): nothing
 * can commit later below what they have read. All events of one append share a
 * transaction, in order.
 */
export type PgPosition = { transactionId: bigint; globalPosition: bigint };

export const START: PgPosition = { transactionId: 0n, globalPosition: 0n };

export function encodePosition(position: PgPosition): string {
  return `${position.transactionId}/${position.globalPosition}`;
}

export function decodePosition(text: string): PgPosition {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(text);
  if (!match) throw new Error(`Not a PostgreSQL event store position: "${text}" (expected <transaction id>/<global position>)`);
  return { transactionId: BigInt(match[1]!), globalPosition: BigInt(match[2]!) };
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function comparePositions(a: PgPosition, b: PgPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.globalPosition !== b.globalPosition) return a.globalPosition < b.globalPosition ? -1 : 1;
  return 0;
}
