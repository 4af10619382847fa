import { adminConsolePlugin, consoleConfigRoute } from '@support-desk/admin-console';
import type { BusSubscription } from '@support-desk/event-bus';
import { searchTicketsRoute, startTicketProjection, ticketDetailRoute, ticketHistoryRoute } from '@support-desk/feature-query';
import { userTicketsRoute } from '@support-desk/feature-user';
import { createAppFor, defineService, readModelWriteTimer, relayFor, zendeskSettings } from '@support-desk/composition-root';
import { TicketCommandHandler } from '@support-desk/ticket-commands';
import { ErasureWorker, erasureRoutes, exportRoute, readModelStep, startRetentionJob, type RetentionJob } from '@support-desk/feature-privacy';

/**
 * query-service: projects ticket events from the bus into the read model and serves
 * the admin side: search, one ticket and its history (read from the event store),
 * and the admin console at /admin.
 */
export const queryService = defineService({
  name: 'query-service',
  defaultPort: 3003,
  // blobs: only for the user export's zip (GET /api/admin/users/{uuid}/export?format=zip).
  ports: ['bus', 'readModel', 'eventStore', 'blobs'],
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
    const privacy = { store: adapters.eventStore, readModel: adapters.readModel, blobs: adapters.blobs, adminGuard };
    await app.register(erasureRoutes(privacy));
    await app.register(exportRoute(privacy));
    // Erasure (issue 15): this service owns the read-model step and finishes every erasure (deletes the data key, appends UserErased).
    const erasures = new ErasureWorker({
      store: adapters.eventStore,
      checkpoints: adapters.checkpoints,
      name: 'erasure-query-service',
      steps: [readModelStep(adapters.readModel)],
      keys: adapters.dataKeys,
      log: app.log,
    });
    const { config } = ctx;
    const retentionDays = config.RETENTION_DAYS;
    let retention: RetentionJob | undefined;
    // With Kafka the relay is its own process; the in-process bus needs one here.
    const relay = adapters.localFeed ? relayFor('relay-query-service', adapters.localFeed, adapters.bus, app) : undefined;
    let projection: BusSubscription | undefined;
    return {
      app,
      async start() {
        projection = await startTicketProjection(adapters.bus, adapters.readModel, app.log, { onWrite: ctx.metrics && readModelWriteTimer(ctx.metrics) });
        await relay?.start();
        await erasures.start();
        if (retentionDays)
          retention = startRetentionJob({
            store: adapters.eventStore,
            readModel: adapters.readModel,
            log: app.log,
            days: retentionDays,
            intervalMs: config.RETENTION_INTERVAL_MS,
          });
      },
      async stop() {
        await retention?.stop();
        await erasures.stop();
        await relay?.stop();
        await projection?.stop();
      },
    };
  },
});
