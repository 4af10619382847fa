import { adminConsolePlugin, consoleConfigRoute } from '@support-desk/admin-console';
import { InProcessEventBus, type BusSubscription } from '@support-desk/event-bus';
import { filesPlugin } from '@support-desk/feature-files';
import { createTicketRoute } from '@support-desk/feature-intake';
import { userReplyRoute, userTicketsRoute } from '@support-desk/feature-user';
import {
  ErasureWorker,
  blobsStep,
  erasureRoutes,
  exportRoute,
  readModelStep,
  startRetentionJob,
  zendeskStep,
  type RetentionJob,
} from '@support-desk/feature-privacy';
import { searchTicketsRoute, startTicketProjection, ticketDetailRoute, ticketHistoryRoute } from '@support-desk/feature-query';
import { TicketSyncer, UserNotifier, agentReplyNotifier, startZendeskSync, zendeskEraserFor, zendeskSyncPlugin } from '@support-desk/feature-zendesk-sync';
import {
  createAppFor,
  defineService,
  instrumentBus,
  readModelWriteTimer,
  relayFor,
  userNotifySettings,
  zendeskMetrics,
  zendeskSettings,
  zendeskWebhookSettings,
  type RunningService,
  type ServiceContext,
} from '@support-desk/composition-root';
import { TicketCommandHandler } from '@support-desk/ticket-commands';

/**
 * All four services in one process on one port: intake-api, file-service and
 * query-service routes (the admin console at /admin too), the relay (event store → bus) and both consumers.
 * The flow is the one of stack mode, only the adapters are embedded.
 */
export const supportDesk = defineService({
  name: 'support-desk',
  defaultPort: 3000,
  ports: ['eventStore', 'bus', 'readModel', 'blobs'],
  zendesk: true,
  userAuth: true,
  build: buildSupportDesk,
});

async function buildSupportDesk(ctx: ServiceContext<'eventStore' | 'bus' | 'readModel' | 'blobs', true>): Promise<RunningService> {
  const { adapters, links, limits, config } = ctx;
  const app = await createAppFor('support-desk', ctx);
  const tickets = new TicketCommandHandler(adapters.eventStore);
  const adminGuard = ctx.adminGuard();
  const { userAuth } = ctx;
  await app.register(createTicketRoute({ tickets, blobs: adapters.blobs, links, userAuth }));
  await app.register(filesPlugin({ tickets, blobs: adapters.blobs, links, limits, adminGuard, userAuth }));
  await app.register(userTicketsRoute({ tickets, readModel: adapters.readModel, userAuth }));
  await app.register(userReplyRoute({ tickets, blobs: adapters.blobs, userAuth }));
  await app.register(searchTicketsRoute({ readModel: adapters.readModel, links, adminGuard }));
  await app.register(ticketDetailRoute({ tickets, links, adminGuard }));
  await app.register(ticketHistoryRoute({ tickets, adminGuard }));
  const privacy = { store: adapters.eventStore, readModel: adapters.readModel, blobs: adapters.blobs, adminGuard };
  await app.register(erasureRoutes(privacy));
  await app.register(exportRoute(privacy));

  const zendesk = zendeskSettings(config);
  await app.register(consoleConfigRoute({ zendeskUrl: zendesk?.baseUrl ?? null, adminGuard }));
  await app.register(adminConsolePlugin());
  const metrics = ctx.metrics && zendeskMetrics(ctx.metrics);
  metrics?.watchBacklog(adapters.readModel);
  const syncer = zendesk
    ? new TicketSyncer({ tickets, blobs: adapters.blobs, links, settings: zendesk, log: app.log, instruments: metrics?.instruments })
    : undefined;
  if (syncer) metrics?.watchLimiter(() => syncer.limiterQueueLength);
  const notifySettings = userNotifySettings(config);
  const notifier = notifySettings ? new UserNotifier(notifySettings, app.log) : undefined;
  await app.register(
    zendeskSyncPlugin({
      tickets,
      readModel: adapters.readModel,
      syncer,
      links,
      adminGuard,
      webhook: zendeskWebhookSettings(config),
      onAgentReply: agentReplyNotifier(notifier),
    }),
  );
  // The in-process bus's publish waits for every group: a slow Zendesk must not hold up search.
  // So zendesk-sync gets its own bus and relay, under its own checkpoint, which stays put while sync is off.
  const ownZendeskBus = adapters.localFeed
    ? new InProcessEventBus({
        onDeadLetter: (dl) => app.log.error({ group: dl.group, eventId: dl.message.event.id, error: dl.error }, 'message dead-lettered'),
      })
    : undefined;
  const zendeskBus = ownZendeskBus ? (ctx.metrics ? instrumentBus(ownZendeskBus, ctx.metrics, { inProcessLag: true }) : ownZendeskBus) : adapters.bus;
  const zendeskRelay = syncer && adapters.localFeed ? relayFor('relay-zendesk-sync', adapters, zendeskBus, app) : undefined;
  let zendeskWorker: BusSubscription | undefined;

  const relay = relayFor('relay', adapters, adapters.bus, app);
  const consumers: BusSubscription[] = [];
  // Erasure (issue 15): one process runs every step, then deletes the data key (README "Erasure and export").
  const zendeskEraser = zendeskEraserFor(zendesk);
  const erasures = new ErasureWorker({
    store: adapters.eventStore,
    checkpoints: adapters.checkpoints,
    name: 'erasure',
    steps: [readModelStep(adapters.readModel), blobsStep(adapters.blobs), zendeskStep(zendeskEraser.erase)],
    keys: adapters.dataKeys,
    log: app.log,
  });
  const retentionDays = config.RETENTION_DAYS;
  let retention: RetentionJob | undefined;

  return {
    app,
    async start() {
      // Consumers join before the relay publishes, so nothing is published to nobody.
      consumers.push(await startTicketProjection(adapters.bus, adapters.readModel, app.log, { onWrite: ctx.metrics && readModelWriteTimer(ctx.metrics) }));
      zendeskWorker = await startZendeskSync(zendeskBus, syncer, app.log);
      await relay.start();
      if (zendeskWorker) await zendeskRelay?.start();
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
      zendeskEraser.stop();
      await erasures.stop();
      // Relay first: it finishes publishing the event in flight and stores its checkpoint.
      await relay.stop();
      for (const c of consumers) await c.stop();
      // Stop the Zendesk relay first (no new publish), then the worker (aborts Zendesk waits): the event
      // in flight then fails to publish and its checkpoint stays, so it is redelivered on the next start.
      const zendeskRelayStopped = zendeskRelay?.stop();
      await zendeskWorker?.stop();
      await zendeskRelayStopped;
      if (zendeskBus !== adapters.bus) await zendeskBus.close();
      await notifier?.stop();
    },
  };
}
