import { describeWithRealServer, findEventStore } from '@support-desk/service-kit/testing';
import { eventStoreContract } from '../testing';
import { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

// Runs when EVENTSTORE_URL is set (e.g. esdb://127.0.0.1:2113?tls=false) or a Docker
// engine answers; otherwise it is reported as skipped, with the reason. The contract
// already isolates tests by a unique stream prefix, so a shared server is fine.
describeWithRealServer('EventStoreDbEventStore', await findEventStore(), (endpoint) => {
  eventStoreContract('eventstoredb', async () => {
    const store = EventStoreDbEventStore.connect(endpoint().connectionString);
    return { store, checkpoints: new EventStoreDbCheckpointStore(store.client) };
  });
});
