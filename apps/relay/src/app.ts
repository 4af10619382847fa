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
    return {
      app,
      start: () => relay.start(),
      stop: () => relay.stop(),
    };
  },
});
