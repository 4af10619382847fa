import type { Document } from 'mongodb';

/**
 * An explain() answer as plan lines, one per step, indented by depth: FerretDB
 * answers with the PostgreSQL plan (`Node Type`, `Index Name`, `Index Cond`),
 * MongoDB with its stages (`stage`, `indexName`). Pushdown flags (FerretDB) first.
 */
export function planLines(explained: Document): string[] {
  const lines: string[] = [];
  const flags = ['filterPushdown', 'sortPushdown', 'limitPushdown'].filter((f) => f in explained).map((f) => `${f}=${String(explained[f])}`);
  if (flags.length) lines.push(flags.join(' '));
  const planner = (explained.queryPlanner ?? {}) as Document;
  visit(planner.Plan ?? planner.winningPlan ?? planner, 0, lines);
  return lines;
}

function visit(node: unknown, depth: number, lines: string[]): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Document;
  const kind = n['Node Type'] ?? n.stage;
  if (kind) {
    const parts = [String(kind)];
    for (const key of ['Index Name', 'indexName', 'Relation Name', 'Index Cond', 'Recheck Cond', 'Filter', 'Plan Rows']) {
      if (n[key] !== undefined) parts.push(`${key}=${typeof n[key] === 'string' ? n[key] : JSON.stringify(n[key])}`);
    }
    lines.push(`${'  '.repeat(depth)}${parts.join(' ')}`);
  }
  const children = [...(Array.isArray(n.Plans) ? n.Plans : []), n.inputStage, ...(Array.isArray(n.inputStages) ? n.inputStages : [])];
  for (const child of children) visit(child, kind ? depth + 1 : depth, lines);
}
