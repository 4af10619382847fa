/**
 * What schemathesis' stateful phase reached, from its NDJSON report (the CLI
 * prints only "API Links: N covered"): per operation the statuses it got, per
 * link how often it was followed and what the target answered. Exits 1 when an
 * operation of the served document never got a 2xx in the stateful phase (or was
 * never called there), unless a list below names it with the reason.
 *   node tools/schemathesis/stateful-coverage.mjs <ndjson-report> <document-url>
 */
import { readFileSync } from 'node:fs';

/** Operations a run against `npm start` cannot drive to a 2xx, and why. */
const NO_SUCCESS_EXPECTED = {
  'GET /api/user/tickets': 'needs USER_AUTH=jwt (403 USER_AUTH.JWT_REQUIRED in the default USER_AUTH=trust)',
  'GET /api/user/tickets/{ticketId}': 'needs USER_AUTH=jwt',
  'POST /api/user/tickets/{ticketId}/comments': 'needs USER_AUTH=jwt',
};

/**
 * Reached at the end of a chain of links that a run of this size follows in most
 * runs, not all (or reached by no link): reported when missed, not a failure (the
 * examples, coverage and fuzzing phases test them every run). With seed 20261201
 * the support file download got a 200 in both runs with these settings (7 times,
 * then once), none in two runs before the upload's links were narrowed.
 */
const NOT_ALWAYS_REACHED = {
  'GET /api/aws/download/support/file/{coreTicketId}/{fileType}': 'create -> upload a file (an image, for FEEDBACK_PHOTO) -> download it',
  // Reached every run since export links to it (404: no erasure yet); its 2xx needs erase -> its status.
  'GET /api/admin/users/{uuid}/erasure': 'a 2xx only by create -> export -> erase -> its status (export -> its erasure is a 404 until one is requested)',
  // Signed by hooks.py now; their links (from a resync) fill the body with values the
  // webhook refuses (400 in every run), so a 2xx needs a generated body: 8 and 1 in one run.
  'POST /api/zendesk/webhook': 'a 2xx only from a generated body (the resync link gets 400s)',
  'POST /api/zendesk/webhook/comments': 'a 2xx only from a generated body (the resync link gets 400s); author_role must be end-user, agent or admin',
  'GET /api/admin/console-config': 'only by the ConsoleConfig link from a search answer (it takes nothing from any answer)',
};

const [file, documentUrl] = process.argv.slice(2);
if (!file || !documentUrl) throw new Error('usage: stateful-coverage.mjs <ndjson-report> <document-url>');
const document = await (await fetch(documentUrl)).json();
const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));

const operations = new Map(); // "METHOD /path" -> Map(status -> count)
const links = new Map(); // link id -> Map(status -> count)
const count = (map, key, status) => {
  const statuses = map.get(key) ?? new Map();
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  map.set(key, statuses);
};

for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line) continue;
  const event = JSON.parse(line);
  const finished = event.ScenarioFinished;
  if (!finished || finished.phase !== 'stateful') continue;
  const { cases = {}, interactions = {} } = finished.recorder;
  for (const [id, node] of Object.entries(cases)) {
    const status = interactions[id]?.response?.status_code;
    if (status === undefined) continue;
    count(operations, `${node.value.method} ${node.value.path}`, status);
    if (node.is_transition_applied && node.transition) count(links, node.transition.id, status);
  }
}

const show = (statuses) =>
  [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
const succeeded = (statuses) => [...(statuses?.keys() ?? [])].some((status) => status >= 200 && status < 300);

console.log(`stateful phase: ${operations.size} of ${documented.length} documented operations called, ${links.size} links followed`);
for (const [label, statuses] of [...operations].sort(([a], [b]) => a.localeCompare(b)))
  console.log(`  ${succeeded(statuses) ? '2xx' : '   '}  ${label}: ${show(statuses)}`);
console.log('links followed (target answers):');
for (const [id, statuses] of [...links].sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${id}: ${show(statuses)}`);

const failing = [];
for (const label of documented) {
  const statuses = operations.get(label);
  if (succeeded(statuses) || NO_SUCCESS_EXPECTED[label]) continue;
  const what = statuses ? 'no 2xx' : 'never called';
  if (NOT_ALWAYS_REACHED[label]) console.log(`  (${what} this run, not always reached: ${label}: ${NOT_ALWAYS_REACHED[label]})`);
  else failing.push(`${label} (${what})`);
}
for (const [label, why] of Object.entries(NO_SUCCESS_EXPECTED)) if (!succeeded(operations.get(label))) console.log(`  (no 2xx expected: ${label}: ${why})`);
if (failing.length > 0) {
  console.log(`stateful phase: no success for ${failing.join(', ')}`);
  process.exit(1);
}
console.log(`stateful phase: every documented operation got a 2xx there, but those listed above`);
