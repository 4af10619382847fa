import type { FastifyPluginAsync } from 'fastify';
import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '@support-desk/contracts';
import { routesRegisteredBy, routesWithoutOwner, tableRoutesNotServed } from './testing/route-ownership';
import { SERVICE_PLUGINS as PLUGINS } from './testing/service-plugins';

/**
 * One route table (libs/contracts api-routes.ts): the gateway forwards exactly its
 * routes, so a route a service registers without an entry, or under another
 * owner, would be unreachable in stack mode. Each service's HTTP surface is
 * service-kit's app plus its feature plugins (testing/service-plugins.ts).
 */
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
