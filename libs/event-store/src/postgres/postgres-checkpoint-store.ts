import type { CheckpointStore } from '../event-store.port';
import type { PostgresEventStore } from './postgres-event-store';
import { statements, type Statements } from './postgres-statements';

/** Checkpoints in the event store's own schema (table `checkpoints`), through its pool. */
export class PostgresCheckpointStore implements CheckpointStore {
  private readonly sql: Statements;

  constructor(private readonly events: PostgresEventStore) {
    this.sql = statements(events.tables);
  }

  async load(name: string): Promise<string | undefined> {
    const [row] = await this.events.query<{ position: string }>(`loading checkpoint ${name}`, this.sql.loadCheckpoint, [name]);
    return row?.position;
  }

  async store(name: string, position: string): Promise<void> {
    await this.events.query(`storing checkpoint ${name}`, this.sql.storeCheckpoint, [name, position]);
  }
}
