import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ticketReadModelContract } from '../testing';
import { SqliteTicketReadModel } from './sqlite-ticket-read-model';

ticketReadModelContract('sqlite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rm-contract-'));
  return { readModel: new SqliteTicketReadModel(join(dir, 'read-model.db')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
