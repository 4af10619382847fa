import type { FastifyInstance } from 'fastify';

/** The methods an app serves on a concrete URL path, or none when no route has this path. */
export type AllowedMethods = (path: string) => string[];

/**
 * Remembers every route's path and methods as it is added (an onRoute hook, so
 * call this before the routes are registered; child plugins inherit it), which
 * lets the not-found handler tell "no such path" (404) from "path known, method
 * not" (405 with Allow, RFC 9110 §15.5.6). Paths use fastify's syntax: `:param`
 * is one segment, a trailing `*` the rest.
 */
export function trackRouteMethods(app: FastifyInstance): AllowedMethods {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  app.addHook('onRoute', (route) => {
    const entry = routes.get(route.url) ?? { pattern: pathPattern(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method.toUpperCase());
    routes.set(route.url, entry);
  });
  return (path) => {
    const methods = new Set<string>();
    for (const { pattern, methods: served } of routes.values()) {
      if (pattern.test(path)) for (const m of served) methods.add(m);
    }
    return [...methods].sort();
  };
}

function pathPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}
