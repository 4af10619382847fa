/**
 * The naive baseline the intake figures are measured against: fastify + the same
 * zod create body schema as intake-api + one SQLite append per request (its own
 * autocommit transaction), nothing else — no logging, no event store, no decider.
 * WAL mode; BASELINE_SYNC=NORMAL (default) or FULL (an fsync per request).
 *
 *   BASELINE_SYNC=FULL PORT=4000 BASELINE_DB=/tmp/b.db node --import tsx bench/baseline-server.ts
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { createTicketBodySchema } from '@support-desk/contracts';

const sync = process.env.BASELINE_SYNC ?? 'NORMAL';
if (sync !== 'NORMAL' && sync !== 'FULL') throw new Error(`BASELINE_SYNC must be NORMAL or FULL, got ${sync}`);

const db = new Database(process.env.BASELINE_DB ?? ':memory:');
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${sync}`);
db.exec(`CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, recorded_at INTEGER NOT NULL, UNIQUE (stream_id, revision))`);
const insert = db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, recorded_at) VALUES (?, ?, 0, ?, ?, ?)');

const app = Fastify().withTypeProvider<ZodTypeProvider>();
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
app.get('/api/health', async () => ({ ok: true }));
app.post('/api/user/log/message', { schema: { body: createTicketBodySchema } }, async (request) => {
  const id = randomUUID();
  insert.run(randomUUID(), `support-ticket-${id}`, 'TicketRequested', JSON.stringify(request.body), Date.now());
  return { data: { id }, detail: null, error: false, message: 'created' };
});

await app.listen({ port: Number(process.env.PORT ?? 4000), host: '127.0.0.1' });
const close = () => void app.close().then(() => db.close());
process.once('SIGTERM', close);
process.once('SIGINT', close);
