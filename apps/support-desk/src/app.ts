import type { BusSubscription } from '@support-desk/event-bus';
import { filesPlugin } from '@support-desk/feature-files';
import { createTicketRoute } from '@support-desk/feature-intake';
import { searchTicketsRoute, startTicketProjection } from '@support-desk/feature-query';
import { startZendeskSync } from '@support-desk/feature-zendesk-sync';
import { createAppFor, relayFor, zendeskConfigured, type RunningService, type ServiceContext } from '@support-desk/runtime';
import { TicketStore } from '@support-desk/ticket-store';

/**
 * All four services in one process on one port: intake-api, file-service and
 * query-service routes, the relay (event store → bus) and both consumers.
 * The flow is the one of stack mode, only the adapters are embedded.
 */
export async function buildSupportDesk(ctx: ServiceContext): Promise<RunningService> {
  const { adapters, links, limits, config } = ctx;
  const app = await createAppFor('support-desk', ctx);
  const tickets = new TicketStore(adapters.eventStore);
  const adminGuard = ctx.adminGuard();
  await app.register(createTicketRoute({ tickets, blobs: adapters.blobs, links }));
  await app.register(filesPlugin({ tickets, blobs: adapters.blobs, links, limits, adminGuard }));
  await app.register(searchTicketsRoute({ readModel: adapters.readModel, links, adminGuard }));

  const relay = relayFor('relay', ctx, app);
  const consumers: BusSubscription[] = [];

  return {
    app,
    async start() {
      // Consumers join before the relay publishes, so nothing is published to nobody.
      consumers.push(await startTicketProjection(adapters.bus, adapters.readModel, app.log));
      const zendesk = await startZendeskSync(adapters.bus, { configured: zendeskConfigured(config) }, app.log);
      if (zendesk) consumers.push(zendesk);
      await relay.start();
    },
    async stop() {
      // Relay first: it finishes publishing the event in flight and stores its checkpoint.
      await relay.stop();
      for (const c of consumers) await c.stop();
    },
  };
}
