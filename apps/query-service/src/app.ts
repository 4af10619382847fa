import { adminConsolePlugin, consoleConfigRoute } from '@support-desk/admin-console';
import type { BusSubscription } from '@support-desk/event-bus';
import { searchTicketsRoute, startTicketProjection, ticketDetailRoute, ticketHistoryRoute } from '@support-desk/feature-query';
import { userTicketsRoute } from '@support-desk/feature-user';
import { createAppFor, defineService, readModelWriteTimer, relayFor, zendeskSettings } from '@support-desk/composition-root';
import { TicketCommandHandler } from '@support-desk/ticket-commands';

/**
 * query-service: projects ticket events from the bus into the read model and serves
 * the admin side: search, one ticket and its history (read from the event store),
 * and the admin console at /admin.
 */
export const queryService = defineService({
  name: 'query-service',
  defaultPort: 3003,
  ports: ['bus', 'readModel', 'eventStore'],
  // Only for the console's "Open in Zendesk" links (the account's URL): this service never calls Zendesk.
  zendesk: true,
  // The app user's own tickets (GET /api/user/tickets…).
  userAuth: true,
  async build(ctx) {
    const { adapters, links } = ctx;
    const app = await createAppFor('query-service', ctx);
    const adminGuard = ctx.adminGuard();
    const tickets = new TicketCommandHandler(adapters.eventStore);
    await app.register(searchTicketsRoute({ readModel: adapters.readModel, links, adminGuard }));
    await app.register(ticketDetailRoute({ tickets, links, adminGuard }));
    await app.register(ticketHistoryRoute({ tickets, adminGuard }));
    await app.register(userTicketsRoute({ tickets, readModel: adapters.readModel, userAuth: ctx.userAuth }));
    await app.register(consoleConfigRoute({ zendeskUrl: zendeskSettings(ctx.config)?.baseUrl ?? null, adminGuard }));
    await app.register(adminConsolePlugin());
    // With Kafka the relay is its own process; the in-process bus needs one here.
    const relay = adapters.localFeed ? relayFor('relay-query-service', adapters.localFeed, adapters.bus, app) : undefined;
    let projection: BusSubscription | undefined;
    return {
      app,
      async start() {
        projection = await startTicketProjection(adapters.bus, adapters.readModel, app.log, { onWrite: ctx.metrics && readModelWriteTimer(ctx.metrics) });
        await relay?.start();
      },
      async stop() {
        await relay?.stop();
        await projection?.stop();
      },
    };
  },
});
