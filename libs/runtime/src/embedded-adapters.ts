import { join, resolve } from 'node:path';
import { FilesystemBlobStore, type BlobStore } from '@support-desk/blob-store';
import { InProcessEventBus, type EventBus } from '@support-desk/event-bus';
import { SqliteCheckpointStore, SqliteEventStore, type CheckpointStore, type EventStore } from '@support-desk/event-store';
import { SqliteTicketReadModel, type TicketReadModel } from '@support-desk/read-model';

export type Adapters = {
  eventStore: EventStore;
  checkpoints: CheckpointStore;
  bus: EventBus;
  readModel: TicketReadModel;
  blobs: BlobStore;
  close(): Promise<void>;
};

/**
 * The embedded default: everything under DATA_DIR, nothing to install.
 *   events.db      event store + checkpoints (SQLite, WAL)
 *   read-model.db  admin search
 *   blobs/         uploaded files
 */
export function openEmbeddedAdapters(dataDir: string, log?: { error(obj: object, msg: string): void }): Adapters {
  const root = resolve(dataDir);
  const eventStore = new SqliteEventStore(join(root, 'events.db'));
  const checkpoints = new SqliteCheckpointStore(eventStore.database);
  const bus = new InProcessEventBus({
    onDeadLetter: (dl) => log?.error({ group: dl.group, eventId: dl.message.event.id, type: dl.message.event.type, error: dl.error }, 'message dead-lettered'),
  });
  const readModel = new SqliteTicketReadModel(join(root, 'read-model.db'));
  const blobs = new FilesystemBlobStore(join(root, 'blobs'));
  return {
    eventStore,
    checkpoints,
    bus,
    readModel,
    blobs,
    close: async () => {
      await bus.close();
      await eventStore.close();
      await readModel.close();
      await blobs.close();
    },
  };
}
