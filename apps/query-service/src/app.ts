import type { BusSubscription } from '@support-desk/event-bus';
import { searchTicketsRoute, startTicketProjection } from '@support-desk/feature-query';
import { createAppFor, relayFor, type RunningService, type ServiceContext } from '@support-desk/composition-root';

/** query-service: projects ticket events into the read model and serves admin search. */
export async function buildQueryService(ctx: ServiceContext): Promise<RunningService> {
  const app = await createAppFor('query-service', ctx);
  await app.register(searchTicketsRoute({ readModel: ctx.adapters.readModel, links: ctx.links, adminGuard: ctx.adminGuard() }));
  // With Kafka the relay is its own process; the in-process bus needs one here.
  const relay = ctx.adapters.localBus ? relayFor('relay-query-service', ctx, app) : undefined;
  let projection: BusSubscription | undefined;
  return {
    app,
    async start() {
      projection = await startTicketProjection(ctx.adapters.bus, ctx.adapters.readModel, app.log);
      await relay?.start();
    },
    async stop() {
      await relay?.stop();
      await projection?.stop();
    },
  };
}
