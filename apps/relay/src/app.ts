import { ERASURE_STREAM_PREFIX } from '@support-desk/contracts';
import { Relay } from '@support-desk/event-bus';
import { createAppFor, defineService, relayFor } from '@support-desk/composition-root';

/**
 * relay: tails the event store from its checkpoint and publishes to the bus
 * (Kafka in stack mode). Its HTTP side is only /api/health.
 */
export const relayService = defineService({
  name: 'relay',
  defaultPort: 3005,
  ports: ['eventStore', 'bus'],
  async build(ctx) {
    const app = await createAppFor('relay', ctx);
    const relay = relayFor('relay', ctx.adapters, ctx.adapters.bus, app);
    // Erasure events (issue 15) under their own checkpoint: UserErased tells other teams to erase their copies.
    const erasureRelay = new Relay({
      store: ctx.adapters.eventStore,
      bus: ctx.adapters.bus,
      checkpoints: ctx.adapters.checkpoints,
      name: 'relay-erasure',
      streamPrefix: ERASURE_STREAM_PREFIX,
      onError: (err, event) => app.log.error({ err, eventId: event.id, position: event.position }, 'erasure relay could not publish; retrying'),
    });
    return {
      app,
      async start() {
        await relay.start();
        await erasureRelay.start();
      },
      async stop() {
        await relay.stop();
        await erasureRelay.stop();
      },
    };
  },
});
