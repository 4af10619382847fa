/**
 * The public `/api` routes, defined once. Each route file registers its path from
 * here, and stack mode's gateway forwards exactly these routes to their owners
 * (a test fails when a service registers a route this table does not name).
 * Paths use fastify's syntax: `:param` for a segment, a trailing `*` for the rest.
 */
export const SERVICE_NAMES = ['intake-api', 'file-service', 'query-service', 'zendesk-sync'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * What a request carries, which tells a proxy how to pass it on:
 * `json` bodies are small and bounded by JSON_BODY_LIMIT_BYTES (the webhook's raw
 * JSON too); `multipart` bodies are uploads of any size, streamed, the owner
 * enforcing its limits while it reads; `none` has no body.
 */
export type RequestBody = 'none' | 'json' | 'multipart';

export type ApiRoute = {
  method: 'GET' | 'POST';
  path: string;
  owner: ServiceName;
  body: RequestBody;
};

/** The largest JSON body any service parses (fastify's bodyLimit in service-kit). */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

export const API_ROUTES = {
  createTicket: { method: 'POST', path: '/api/user/log/message', owner: 'intake-api', body: 'json' },
  uploadImage: { method: 'POST', path: '/api/common/upload/file', owner: 'file-service', body: 'multipart' },
  uploadSupportFile: { method: 'POST', path: '/api/user/help/file/upload/:feedbackId/:fileType', owner: 'file-service', body: 'multipart' },
  downloadSupportFile: { method: 'GET', path: '/api/aws/download/support/file/:coreTicketId/:fileType', owner: 'file-service', body: 'none' },
  downloadImage: { method: 'GET', path: '/api/admin/images/:name', owner: 'file-service', body: 'none' },
  searchTickets: { method: 'POST', path: '/api/admin/fetch/customer/support', owner: 'query-service', body: 'json' },
  resyncZendesk: { method: 'POST', path: '/api/admin/zendesk/sync/:ticketId', owner: 'zendesk-sync', body: 'json' },
  zendeskWebhook: { method: 'POST', path: '/api/zendesk/webhook', owner: 'zendesk-sync', body: 'json' },
  zendeskCommentWebhook: { method: 'POST', path: '/api/zendesk/webhook/comments', owner: 'zendesk-sync', body: 'json' },
  // The app user's own tickets (USER_AUTH=jwt): reads from the event store's streams, the reply appends.
  userTickets: { method: 'GET', path: '/api/user/tickets', owner: 'query-service', body: 'none' },
  userTicket: { method: 'GET', path: '/api/user/tickets/:ticketId', owner: 'query-service', body: 'none' },
  userTicketReply: { method: 'POST', path: '/api/user/tickets/:ticketId/comments', owner: 'intake-api', body: 'json' },
  ticketDetail: { method: 'GET', path: '/api/admin/tickets/:ticketId', owner: 'query-service', body: 'none' },
  ticketHistory: { method: 'GET', path: '/api/admin/tickets/:ticketId/events', owner: 'query-service', body: 'none' },
  // Privacy (issue 15): erase a user everywhere, its status, export of everything held about them.
  eraseUser: { method: 'POST', path: '/api/admin/users/:uuid/erase', owner: 'query-service', body: 'json' },
  userErasure: { method: 'GET', path: '/api/admin/users/:uuid/erasure', owner: 'query-service', body: 'none' },
  exportUser: { method: 'GET', path: '/api/admin/users/:uuid/export', owner: 'query-service', body: 'none' },
  adminConsoleConfig: { method: 'GET', path: '/api/admin/console-config', owner: 'query-service', body: 'none' },
  // The admin console (libs/admin-console): its page, deep links and static files, outside /api.
  adminConsole: { method: 'GET', path: '/admin', owner: 'query-service', body: 'none' },
  adminConsoleFiles: { method: 'GET', path: '/admin/*', owner: 'query-service', body: 'none' },
} as const satisfies Record<string, ApiRoute>;

export type ApiRouteName = keyof typeof API_ROUTES;

/**
 * Served by every service (service-kit's app): health, the probes and Prometheus
 * metrics outside /api, the OpenAPI document and Swagger UI with its assets. A
 * gateway picks one service to answer them (Prometheus scrapes each service itself).
 */
export const COMMON_ROUTES = {
  health: { method: 'GET', path: '/api/health' },
  healthLive: { method: 'GET', path: '/health/live' },
  healthReady: { method: 'GET', path: '/health/ready' },
  metrics: { method: 'GET', path: '/metrics' },
  openapi: { method: 'GET', path: '/api/openapi.json' },
  docs: { method: 'GET', path: '/api/docs' },
  docsAssets: { method: 'GET', path: '/api/docs/*' },
} as const satisfies Record<string, Pick<ApiRoute, 'method' | 'path'>>;
