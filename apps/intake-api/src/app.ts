import { createTicketRoute } from '@support-desk/feature-intake';
import { createAppFor, type RunningService, type ServiceContext } from '@support-desk/composition-root';
import { TicketCommandHandler } from '@support-desk/ticket-commands';

/** intake-api: POST /api/user/log/message → TicketRequested in the event store. */
export async function buildIntakeApi(ctx: ServiceContext): Promise<RunningService> {
  const app = await createAppFor('intake-api', ctx);
  await app.register(createTicketRoute({ tickets: new TicketCommandHandler(ctx.adapters.eventStore), blobs: ctx.adapters.blobs, links: ctx.links }));
  return { app };
}
