import { TICKET_STREAM_PREFIX } from '@support-desk/contracts';
import { Relay, type EventBus } from '@support-desk/event-bus';
import { createServiceApp, type Registry, type ServiceApp } from '@support-desk/service-kit';
import { instrumentRelay } from './observability';
import { ERROR_CODE_STATUSES } from './error-statuses';
import type { EventFeed, Port } from './ports';
import type { ServiceContext } from './run-service';

/** The base app of each entry point: error codes, log level and readiness checks on the adapters it opened. */
export async function createAppFor(name: string, ctx: ServiceContext<Port, boolean> | ServiceContext<never, boolean>): Promise<ServiceApp> {
  const app = await createServiceApp({
    name,
    logLevel: ctx.config.LOG_LEVEL,
    errorCodeStatuses: ERROR_CODE_STATUSES,
    healthChecks: ctx.adapters.healthChecks,
    metrics: ctx.config.METRICS === 'on' ? ctx.metrics : undefined,
    metricsOnAppPort: ctx.config.METRICS_PORT === undefined,
  });
  if (ctx.metrics) registries.set(app, ctx.metrics);
  return app;
}

/** The registry of the app's process, so what is built around the app (relays) reports into it. */
const registries = new WeakMap<ServiceApp, Registry>();
export const metricsOf = (app: ServiceApp): Registry | undefined => registries.get(app);

/**
 * A relay that feeds `bus` from the event store `feed`. With the in-process bus
 * every consuming process runs its own, under its own checkpoint; a slow
 * consumer (Zendesk) gets its own bus and relay.
 */
export function relayFor(name: string, feed: EventFeed, bus: EventBus, app: ServiceApp): Relay {
  const metrics = metricsOf(app);
  const measured = metrics ? instrumentRelay(name, feed.eventStore, bus, metrics) : { store: feed.eventStore, bus };
  return new Relay({
    store: measured.store,
    bus: measured.bus,
    checkpoints: feed.checkpoints,
    name,
    streamPrefix: TICKET_STREAM_PREFIX,
    onError: (err, event) => app.log.error({ err, eventId: event.id, position: event.position }, 'relay could not publish; retrying'),
  });
}
