import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, FastifyPluginAsync, RouteOptions } from 'fastify';
import { API_ROUTES, COMMON_ROUTES, type ApiRoute, type ServiceName } from '@support-desk/contracts';
import { createServiceApp } from '@support-desk/service-kit';

export type RegisteredRoute = { method: string; path: string };

/**
 * Every route an app built from service-kit plus `plugins` registers, including
 * service-kit's own (health, docs): fastify announces each new instance on the
 * `fastify.initialization` channel, where an onRoute hook is added before any route.
 */
export async function routesRegisteredBy(name: string, plugins: FastifyPluginAsync[]): Promise<RegisteredRoute[]> {
  const seen: RegisteredRoute[] = [];
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) seen.push({ method, path: route.url });
    });
  };
  subscribe('fastify.initialization', onInit);
  try {
    const app = await createServiceApp({ name, logLevel: 'silent' });
    for (const plugin of plugins) await app.register(plugin);
    await app.ready();
    await app.close();
  } finally {
    unsubscribe('fastify.initialization', onInit);
  }
  return seen;
}

/** A table path covers a registered one when equal, or when it ends in `/*` and is its prefix. */
const covers = (tablePath: string, path: string) => tablePath === path || (tablePath.endsWith('/*') && path.startsWith(tablePath.slice(0, -1)));
// fastify answers HEAD from a GET route; the gateway does the same.
const sameMethod = (tableMethod: string, method: string) => tableMethod === method || (tableMethod === 'GET' && method === 'HEAD');
const apiRoutes = Object.values(API_ROUTES) as ApiRoute[];
const commonRoutes = Object.values(COMMON_ROUTES);

/** Routes `service` registers that the gateway would not send to it: missing from the table, or owned by another service. */
export function routesWithoutOwner(service: ServiceName, registered: RegisteredRoute[]): RegisteredRoute[] {
  return registered.filter(
    (r) =>
      !apiRoutes.some((t) => t.owner === service && sameMethod(t.method, r.method) && covers(t.path, r.path)) &&
      !commonRoutes.some((t) => sameMethod(t.method, r.method) && covers(t.path, r.path)),
  );
}

/** Table entries that `service` should serve and does not register. */
export function tableRoutesNotServed(service: ServiceName, registered: RegisteredRoute[]): Pick<ApiRoute, 'method' | 'path'>[] {
  const served = (t: Pick<ApiRoute, 'method' | 'path'>) => registered.some((r) => r.method === t.method && covers(t.path, r.path));
  return [...apiRoutes.filter((t) => t.owner === service), ...commonRoutes].filter((t) => !served(t)).map(({ method, path }) => ({ method, path }));
}
