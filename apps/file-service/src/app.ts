import { filesPlugin } from '@support-desk/feature-files';
import { createAppFor, defineService } from '@support-desk/composition-root';
import { TicketCommandHandler } from '@support-desk/ticket-commands';

/** file-service: image and support-file uploads (streamed to the blob store) and admin downloads. */
export const fileService = defineService({
  name: 'file-service',
  defaultPort: 3002,
  ports: ['eventStore', 'blobs'],
  userAuth: true,
  async build(ctx) {
    const app = await createAppFor('file-service', ctx);
    const { adapters, links, limits } = ctx;
    await app.register(
      filesPlugin({
        tickets: new TicketCommandHandler(adapters.eventStore),
        blobs: adapters.blobs,
        links,
        limits,
        adminGuard: ctx.adminGuard(),
        userAuth: ctx.userAuth,
      }),
    );
    return { app };
  },
});
