import type { BusSubscription } from '@support-desk/event-bus';
import { startZendeskSync } from '@support-desk/feature-zendesk-sync';
import { createAppFor, relayFor, zendeskConfigured, type RunningService, type ServiceContext } from '@support-desk/runtime';

/** zendesk-sync: mirrors ticket events into Zendesk; its only HTTP route is health (and later the webhook). */
export async function buildZendeskSync(ctx: ServiceContext): Promise<RunningService> {
  const app = await createAppFor('zendesk-sync', ctx);
  const relay = relayFor('relay-zendesk-sync', ctx, app);
  let worker: BusSubscription | undefined;
  return {
    app,
    async start() {
      worker = await startZendeskSync(ctx.adapters.bus, { configured: zendeskConfigured(ctx.config) }, app.log);
      if (worker) await relay.start();
    },
    async stop() {
      await relay.stop();
      await worker?.stop();
    },
  };
}
