import { createTicketRoute } from '@support-desk/feature-intake';
import { createAppFor, defineService } from '@support-desk/composition-root';
import { TicketCommandHandler } from '@support-desk/ticket-commands';

/**
 * intake-api: POST /api/user/log/message → TicketRequested in the event store.
 * Opens the event store and the blob store (to check that named images exist), nothing else.
 */
export const intakeApi = defineService({
  name: 'intake-api',
  defaultPort: 3001,
  ports: ['eventStore', 'blobs'],
  async build(ctx) {
    const app = await createAppFor('intake-api', ctx);
    await app.register(createTicketRoute({ tickets: new TicketCommandHandler(ctx.adapters.eventStore), blobs: ctx.adapters.blobs, links: ctx.links }));
    return { app };
  },
});
