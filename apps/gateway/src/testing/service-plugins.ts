import type { FastifyPluginAsync } from 'fastify';
import { adminConsolePlugin, consoleConfigRoute, type ConsoleConfigDeps } from '@support-desk/admin-console';
import type { ServiceName } from '@support-desk/contracts';
import { filesPlugin, type FilesDeps } from '@support-desk/feature-files';
import { erasureRoutes, exportRoute, type ErasureRouteDeps, type ExportRouteDeps } from '@support-desk/feature-privacy';
import { createTicketRoute, type IntakeDeps } from '@support-desk/feature-intake';
import {
  searchTicketsRoute,
  ticketDetailRoute,
  ticketHistoryRoute,
  type QueryDeps,
  type TicketAdminDeps,
  type TicketHistoryDeps,
} from '@support-desk/feature-query';
import { zendeskSyncPlugin, type ZendeskRoutesDeps } from '@support-desk/feature-zendesk-sync';
import { userReplyRoute, userTicketsRoute, type UserReplyDeps, type UserTicketsDeps } from '@support-desk/feature-user';

/** Deps are only used when a request comes, so stand-ins do for the routes and their schemas. */
const deps = <T>(): T => ({ adminGuard: async () => undefined, limits: {}, webhook: {} }) as unknown as T;

/**
 * Each service's HTTP surface: service-kit's app plus the feature plugins its
 * apps/<service>/src/app.ts registers (listed here; the stack e2e checks through
 * the gateway that every table entry reaches a process that serves it).
 * `npm start` (apps/support-desk) registers all of them in one app.
 */
export const SERVICE_PLUGINS: Record<ServiceName, () => FastifyPluginAsync[]> = {
  'intake-api': () => [createTicketRoute(deps<IntakeDeps>()), userReplyRoute(deps<UserReplyDeps>())],
  'file-service': () => [filesPlugin(deps<FilesDeps>())],
  'query-service': () => [
    searchTicketsRoute(deps<QueryDeps>()),
    ticketDetailRoute(deps<TicketAdminDeps>()),
    ticketHistoryRoute(deps<TicketHistoryDeps>()),
    consoleConfigRoute(deps<ConsoleConfigDeps>()),
    adminConsolePlugin(),
    userTicketsRoute(deps<UserTicketsDeps>()),
    erasureRoutes(deps<ErasureRouteDeps>()),
    exportRoute(deps<ExportRouteDeps>()),
  ],
  'zendesk-sync': () => [zendeskSyncPlugin(deps<ZendeskRoutesDeps>())],
};
