import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_MESSAGES, API_ROUTES, adminConsoleConfigResponseSchema, errorEnvelopeSchema, ok } from '@support-desk/contracts';
import type { AdminGuard } from '@support-desk/service-kit';

export type ConsoleConfigDeps = {
  /** Base URL of the Zendesk account (composition-root's zendeskSettings(config).baseUrl), null while Zendesk is off. */
  zendeskUrl: string | null;
  adminGuard: AdminGuard;
};

/**
 * GET /api/admin/console-config: what the console needs from the server's settings
 * (the Zendesk account its "Open in Zendesk" links point at). Admin only, so the
 * console also uses it to check a token at sign-in.
 */
export function consoleConfigRoute(deps: ConsoleConfigDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      API_ROUTES.adminConsoleConfig.path,
      {
        // Credentials first: an unauthenticated request gets 401, whatever its body or parameters.
        onRequest: deps.adminGuard,
        schema: {
          summary: 'Admin console settings',
          description:
            'zendeskUrl: base URL of the configured Zendesk account (a ticket is at <zendeskUrl>/agent/tickets/<id>), null while Zendesk is off. Admin only.',
          tags: ['admin'],
          security: [{ adminToken: [] }],
          response: { 200: adminConsoleConfigResponseSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
        },
      },
      async () => ok({ zendeskUrl: deps.zendeskUrl }, ADMIN_MESSAGES.consoleConfig),
    );
  };
}
