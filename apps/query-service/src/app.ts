import type { BusSubscription } from '@support-desk/event-bus';
import { searchTicketsRoute, startTicketProjection } from '@support-desk/feature-query';
import { createAppFor, relayFor, type RunningService, type ServiceContext } from '@support-desk/runtime';

/** query-service: projects ticket events into the read model and serves admin search. */
export async function buildQueryService(ctx: ServiceContext): Promise<RunningService> {
  const app = await createAppFor('query-service', ctx);
  await app.register(searchTicketsRoute({ readModel: ctx.adapters.readModel, links: ctx.links, adminGuard: ctx.adminGuard() }));
  const relay = relayFor('relay-query-service', ctx, app);
  let projection: BusSubscription | undefined;
  return {
    app,
    async start() {
      projection = await startTicketProjection(ctx.adapters.bus, ctx.adapters.readModel, app.log);
      await relay.start();
    },
    async stop() {
      await relay.stop();
      await projection?.stop();
    },
  };
}
