import type { BusSubscription } from '@support-desk/event-bus';
import { searchTicketsRoute, startTicketProjection } from '@support-desk/feature-query';
import { createAppFor, defineService, relayFor } from '@support-desk/composition-root';

/** query-service: projects ticket events from the bus into the read model and serves admin search. */
export const queryService = defineService({
  name: 'query-service',
  defaultPort: 3003,
  ports: ['bus', 'readModel'],
  async build(ctx) {
    const { adapters } = ctx;
    const app = await createAppFor('query-service', ctx);
    await app.register(searchTicketsRoute({ readModel: adapters.readModel, links: ctx.links, adminGuard: ctx.adminGuard() }));
    // With Kafka the relay is its own process; the in-process bus needs one here.
    const relay = adapters.localFeed ? relayFor('relay-query-service', adapters.localFeed, adapters.bus, app) : undefined;
    let projection: BusSubscription | undefined;
    return {
      app,
      async start() {
        projection = await startTicketProjection(adapters.bus, adapters.readModel, app.log);
        await relay?.start();
      },
      async stop() {
        await relay?.stop();
        await projection?.stop();
      },
    };
  },
});
