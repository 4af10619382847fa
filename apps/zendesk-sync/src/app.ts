import type { BusSubscription } from '@support-desk/event-bus';
import { TicketSyncer, UserNotifier, agentReplyNotifier, startZendeskSync, zendeskEraserFor, zendeskSyncPlugin } from '@support-desk/feature-zendesk-sync';
import {
  createAppFor,
  defineService,
  relayFor,
  zendeskMetrics,
  userNotifySettings,
  zendeskSettings,
  zendeskWebhookSettings,
} from '@support-desk/composition-root';
import { TicketCommandHandler } from '@support-desk/ticket-commands';
import { ErasureWorker, zendeskStep } from '@support-desk/feature-privacy';

/**
 * zendesk-sync: mirrors ticket events into Zendesk, serves the Zendesk webhook
 * (status changes) and the admin retry route. The read model answers the
 * webhook's "which ticket is Zendesk ticket N" when Zendesk sends no external id.
 */
export const zendeskSync = defineService({
  name: 'zendesk-sync',
  defaultPort: 3004,
  ports: ['eventStore', 'bus', 'blobs', 'readModel'],
  zendesk: true,
  async build(ctx) {
    const { adapters, config, links } = ctx;
    const app = await createAppFor('zendesk-sync', ctx);
    const tickets = new TicketCommandHandler(adapters.eventStore);
    const settings = zendeskSettings(config);
    const metrics = ctx.metrics && zendeskMetrics(ctx.metrics);
    metrics?.watchBacklog(adapters.readModel);
    const syncer = settings
      ? new TicketSyncer({ tickets, blobs: adapters.blobs, links, settings, log: app.log, instruments: metrics?.instruments })
      : undefined;
    if (syncer) metrics?.watchLimiter(() => syncer.limiterQueueLength);
    // The push hook: agent replies → the app's backend (USER_NOTIFY_WEBHOOK_URL), off when unset.
    const notifySettings = userNotifySettings(config);
    const notifier = notifySettings ? new UserNotifier(notifySettings, app.log) : undefined;
    await app.register(
      zendeskSyncPlugin({
        tickets,
        readModel: adapters.readModel,
        syncer,
        links,
        adminGuard: ctx.adminGuard(),
        webhook: zendeskWebhookSettings(config),
        onAgentReply: agentReplyNotifier(notifier),
      }),
    );
    // With Kafka the relay is its own process; the in-process bus needs one here. While sync is off it
    // does not run, so its checkpoint stays where it was and the backlog syncs once Zendesk is configured.
    const relay = syncer && adapters.localFeed ? relayFor('relay-zendesk-sync', adapters.localFeed, adapters.bus, app) : undefined;
    let worker: BusSubscription | undefined;
    // Erasure (issue 15): this service owns the Zendesk step (requester's tickets and end user deleted for good).
    const zendeskEraser = zendeskEraserFor(settings);
    const erasures = new ErasureWorker({
      store: adapters.eventStore,
      checkpoints: adapters.checkpoints,
      name: 'erasure-zendesk-sync',
      steps: [zendeskStep(zendeskEraser.erase)],
      log: app.log,
    });
    return {
      app,
      async start() {
        worker = await startZendeskSync(adapters.bus, syncer, app.log);
        if (worker) await relay?.start();
        await erasures.start();
      },
      async stop() {
        zendeskEraser.stop();
        await erasures.stop();
        // Relay marked stopped first, then the worker aborts Zendesk waits: the event in flight keeps its checkpoint.
        const relayStopped = relay?.stop();
        await worker?.stop();
        await notifier?.stop();
        await relayStopped;
      },
    };
  },
});
