import { TICKET_STREAM_PREFIX } from '@support-desk/contracts';
import { Relay, type EventBus } from '@support-desk/event-bus';
import { createServiceApp, type ServiceApp } from '@support-desk/service-kit';
import { ERROR_CODE_STATUSES } from './error-statuses';
import type { EventFeed, Port } from './ports';
import type { ServiceContext } from './run-service';

/** The base app of each entry point: error codes, log level and readiness checks on the adapters it opened. */
export function createAppFor(name: string, ctx: ServiceContext<Port, boolean> | ServiceContext<never, boolean>): Promise<ServiceApp> {
  return createServiceApp({
    name,
    logLevel: ctx.config.LOG_LEVEL,
    errorCodeStatuses: ERROR_CODE_STATUSES,
    healthChecks: ctx.adapters.healthChecks,
  });
}

/**
 * A relay that feeds `bus` from the event store `feed`. With the in-process bus
 * every consuming process runs its own, under its own checkpoint; a slow
 * consumer (Zendesk) gets its own bus and relay.
 */
export function relayFor(name: string, feed: EventFeed, bus: EventBus, app: ServiceApp): Relay {
  return new Relay({
    store: feed.eventStore,
    bus,
    checkpoints: feed.checkpoints,
    name,
    streamPrefix: TICKET_STREAM_PREFIX,
    onError: (err, event) => app.log.error({ err, eventId: event.id, position: event.position }, 'relay could not publish; retrying'),
  });
}
