import { filesPlugin } from '@support-desk/feature-files';
import { createAppFor, defineService } from '@support-desk/composition-root';
import { TicketCommandHandler } from '@support-desk/ticket-commands';
import { ErasureWorker, blobsStep } from '@support-desk/feature-privacy';

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
    // Erasure (issue 15): this service owns the blobs step (every file of the user, every stored version).
    const erasures = new ErasureWorker({
      store: adapters.eventStore,
      checkpoints: adapters.checkpoints,
      name: 'erasure-file-service',
      steps: [blobsStep(adapters.blobs)],
      log: app.log,
    });
    return { app, start: () => erasures.start(), stop: () => erasures.stop() };
  },
});
