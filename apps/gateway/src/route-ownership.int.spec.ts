import type { FastifyPluginAsync } from 'fastify';
import { adminConsolePlugin, consoleConfigRoute, type ConsoleConfigDeps } from '@support-desk/admin-console';
import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES, type ServiceName } from '@support-desk/contracts';
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
import { routesRegisteredBy, routesWithoutOwner, tableRoutesNotServed } from './testing/route-ownership';

/**
 * One route table (libs/contracts api-routes.ts): the gateway forwards exactly its
 * routes, so a route a service registers without an entry, or under another
 * owner, would be unreachable in stack mode. Each service's HTTP surface is
 * service-kit's app plus the feature plugins its apps/<service>/src/app.ts
 * registers (listed here; the stack e2e checks through the gateway that every
 * entry reaches a process that serves it). Deps are only used when a request
 * comes, so stand-ins do.
 */
const deps = <T>(): T => ({ adminGuard: async () => undefined, limits: {}, webhook: {} }) as unknown as T;

const PLUGINS: Record<ServiceName, () => FastifyPluginAsync[]> = {
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

describe('every route has one owner in the gateway table', () => {
  it.each(SERVICE_NAMES)('%s registers only routes the table gives it, and all of them', async (service) => {
    const registered = await routesRegisteredBy(service, PLUGINS[service]());
    expect(registered.length).toBeGreaterThan(4);
    expect(routesWithoutOwner(service, registered)).toEqual([]);
    expect(tableRoutesNotServed(service, registered)).toEqual([]);
  });

  it('catches a route added without a table entry, or registered by the wrong service', async () => {
    const extra: FastifyPluginAsync = async (app) => {
      app.get('/api/user/log/messages', async () => 'new');
    };
    const registered = await routesRegisteredBy('intake-api', [...PLUGINS['intake-api'](), extra]);
    expect(routesWithoutOwner('intake-api', registered)).toEqual([
      { method: 'GET', path: '/api/user/log/messages' },
      { method: 'HEAD', path: '/api/user/log/messages' },
    ]);
    const intakeRoutes = await routesRegisteredBy('file-service', PLUGINS['intake-api']());
    expect(routesWithoutOwner('file-service', intakeRoutes)).toEqual([
      { method: 'POST', path: '/api/user/log/message' },
      { method: 'POST', path: '/api/user/tickets/:ticketId/comments' },
    ]);
    expect(tableRoutesNotServed('file-service', intakeRoutes).length).toBe(4);
  });
});
