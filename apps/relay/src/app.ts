import { createAppFor, relayFor, type RunningService, type ServiceContext } from '@support-desk/composition-root';

/**
 * relay: tails the event store from its checkpoint and publishes to the bus
 * (Kafka in stack mode). Its HTTP side is only /api/health.
 */
export async function buildRelay(ctx: ServiceContext): Promise<RunningService> {
  const app = await createAppFor('relay', ctx);
  const relay = relayFor('relay', ctx, app);
  return {
    app,
    start: () => relay.start(),
    stop: () => relay.stop(),
  };
}
