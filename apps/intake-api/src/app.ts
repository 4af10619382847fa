import { createTicketRoute } from '@support-desk/feature-intake';
import { userReplyRoute } from '@support-desk/feature-user';
import { createAppFor, defineService } from '@support-desk/composition-root';
import { TicketCommandHandler } from '@support-desk/ticket-commands';

/**
 * intake-api: POST /api/user/log/message → TicketRequested, and the app user's replies
 * (POST /api/user/tickets/{ticketId}/comments → UserReplied) in the event store.
 * Opens the event store and the blob store (to check that named images exist), nothing else.
 */
export const intakeApi = defineService({
  name: 'intake-api',
  defaultPort: 3001,
  ports: ['eventStore', 'blobs'],
  userAuth: true,
  async build(ctx) {
    const app = await createAppFor('intake-api', ctx);
    const tickets = new TicketCommandHandler(ctx.adapters.eventStore);
    const { blobs } = ctx.adapters;
    await app.register(createTicketRoute({ tickets, blobs, links: ctx.links, userAuth: ctx.userAuth }));
    await app.register(userReplyRoute({ tickets, blobs, userAuth: ctx.userAuth }));
    return { app };
  },
});
