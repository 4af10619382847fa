import { TICKET_STREAM_PREFIX } from '@support-desk/contracts';
import { Relay, type EventBus } from '@support-desk/event-bus';
import { createServiceApp, type ServiceApp } from '@support-desk/service-kit';
import { ERROR_CODE_STATUSES, type ServiceContext } from './run-service';

/** The base app of each entry point: error codes, log level and a readiness check on the event store. */
export function createAppFor(name: string, ctx: ServiceContext): Promise<ServiceApp> {
  return createServiceApp({
    name,
    logLevel: ctx.config.LOG_LEVEL,
    errorCodeStatuses: ERROR_CODE_STATUSES,
    healthChecks: { eventStore: async () => void (await ctx.adapters.eventStore.readStream('health-check')) },
  });
}

/**
 * The relay that feeds this process's bus from the event store. With the
 * in-process bus every consuming process runs its own, under its own checkpoint.
 * `bus` defaults to the process's bus; a slow consumer (Zendesk) gets its own.
 */
export function relayFor(name: string, ctx: ServiceContext, app: ServiceApp, bus: EventBus = ctx.adapters.bus): Relay {
  return new Relay({
    store: ctx.adapters.eventStore,
    bus,
    checkpoints: ctx.adapters.checkpoints,
    name,
    streamPrefix: TICKET_STREAM_PREFIX,
    onError: (err, event) => app.log.error({ err, eventId: event.id, position: event.position }, 'relay could not publish; retrying'),
  });
}
