import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { API_ROUTES } from '@support-desk/contracts';
import { loadConsoleAssets, type ConsoleAssets, type ConsoleFile } from './console-assets';
import { SECURITY_HEADERS } from './console-headers';

export type AdminConsoleOptions = {
  /** Where the files come from; the built console by default. */
  assets?: () => Promise<ConsoleAssets>;
};

const ASSETS_PREFIX = 'assets/';

/**
 * The admin console at /admin: one page (index.html) for /admin and every deep link
 * under it (/admin/tickets/<id>, /admin/?email=…), the browser's router takes it
 * from there; its script, stylesheet and icon under /admin/assets/. The page itself
 * is public (it holds no data); every API call it makes carries the admin token.
 */
export function adminConsolePlugin(options: AdminConsoleOptions = {}): FastifyPluginAsync {
  const assets = options.assets ?? loadConsoleAssets;
  return async (app) => {
    const page = async (request: FastifyRequest, reply: FastifyReply) => send(request, reply, (await assets()).page);
    app.get(API_ROUTES.adminConsole.path, { schema: { hide: true } }, page);
    app.get(API_ROUTES.adminConsoleFiles.path, { schema: { hide: true } }, async (request, reply) => {
      const rest = (request.params as { '*': string })['*'];
      if (!rest.startsWith(ASSETS_PREFIX)) return page(request, reply);
      // A missing asset is a 404, never the page: a script answered with HTML fails obscurely.
      const file = (await assets()).files.get(rest.slice(ASSETS_PREFIX.length));
      return file ? send(request, reply, file) : reply.callNotFound();
    });
  };
}

function send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile): FastifyReply {
  void reply.headers(SECURITY_HEADERS).header('cache-control', file.cacheControl).header('etag', file.etag);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  return reply.type(file.contentType).send(file.contents);
}
