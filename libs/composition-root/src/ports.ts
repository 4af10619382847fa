import type { BlobStore } from '@support-desk/blob-store';
import type { EventBus } from '@support-desk/event-bus';
import type { CheckpointStore, EventStore } from '@support-desk/event-store';
import type { DataKeyStore } from '@support-desk/personal-data';
import type { TicketReadModel } from '@support-desk/read-model';
import { blobConfigSchema, busConfigSchema, eventStoreConfigSchema, readModelConfigSchema } from './infra-config';

/** The ports a service can ask for; each app lists the ones it uses and gets only those. */
export type Port = 'eventStore' | 'bus' | 'readModel' | 'blobs';
export const ALL_PORTS = ['eventStore', 'bus', 'readModel', 'blobs'] as const satisfies readonly Port[];

/** The store a relay tails, with its checkpoints. */
export type EventFeed = { eventStore: EventStore; checkpoints: CheckpointStore };

type Provided = {
  eventStore: EventFeed & {
    /**
     * The data keys of personal fields (crypto-shredding): `eraseSubject(uuid)` makes
     * every stored personal field of that app user unreadable. `eventStore` already
     * encrypts and decrypts with them.
     */
    dataKeys: DataKeyStore;
  };
  bus: {
    bus: EventBus;
    /**
     * Set when the bus is in-process: nothing outside this process publishes to
     * it, so the process must run its own relay from this store (opened for that
     * even when the service does not append).
     */
    localFeed?: EventFeed;
  };
  readModel: { readModel: TicketReadModel };
  blobs: { blobs: BlobStore };
};

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;

export type Adapters<P extends Port = Port> = UnionToIntersection<Provided[P]> & {
  /** Which adapter serves each opened port, for the start-up log line. */
  describe: Partial<Record<Port, string>>;
  /** One readiness check per opened back-end. */
  healthChecks: Record<string, () => Promise<void>>;
  close(): Promise<void>;
};

/** The settings each port reads; an in-process bus is fed from the event store, so the bus reads both. */
export const PORT_CONFIG_SCHEMAS = {
  eventStore: eventStoreConfigSchema.shape,
  bus: { ...busConfigSchema.shape, ...eventStoreConfigSchema.shape },
  readModel: readModelConfigSchema.shape,
  blobs: blobConfigSchema.shape,
};
