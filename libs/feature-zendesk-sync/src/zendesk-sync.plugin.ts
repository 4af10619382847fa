import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { adminSyncRoute, type AdminSyncDeps } from './admin-sync.route';
import { zendeskCommentWebhookRoute, type CommentWebhookDeps } from './comment-webhook.route';
import { zendeskWebhookRoute, type WebhookDeps } from './webhook.route';

export type ZendeskRoutesDeps = AdminSyncDeps & WebhookDeps & CommentWebhookDeps;

/** zendesk-sync's HTTP surface: the Zendesk webhooks, status and comments (each its own raw-body scope), and the admin retry. */
export function zendeskSyncPlugin(deps: ZendeskRoutesDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(zendeskWebhookRoute(deps));
    await app.register(zendeskCommentWebhookRoute(deps));
    await app.register(adminSyncRoute(deps));
  };
}
