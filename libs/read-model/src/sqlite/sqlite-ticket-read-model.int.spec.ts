import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ticketReadModelContract } from '../testing';
import { searchKeys } from '../ticket-read-model.port';
import { fromV0Document, type TicketDocumentV0 } from '../ticket-view.v0';
import { SqliteTicketReadModel } from './sqlite-ticket-read-model';

ticketReadModelContract('sqlite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rm-contract-'));
  const path = join(dir, 'read-model.db');
  return {
    readModel: new SqliteTicketReadModel(path),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    // The row exactly as builds before versioned views wrote it: the write side's ticket in `doc`.
    storeV0Document: async (doc: TicketDocumentV0, revision: number) => {
      const k = searchKeys(fromV0Document(doc));
      const db = new Database(path);
      try {
        db.prepare(
          `INSERT INTO tickets (record_id, revision, created_at, uuid_key, udid_key, email_key, phone_key, ticket_id_key, zendesk_ticket_id_key, doc)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(doc.recordId, revision, doc.requestedAt, k.uuid, k.udid, k.email, k.phone, k.ticketId, k.zendeskTicketId, JSON.stringify(doc));
      } finally {
        db.close();
      }
    },
  };
});
