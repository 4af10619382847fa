import { createServer } from 'node:http';
import { z } from 'zod';
import { ConfigError, parseConfig, port } from '@support-desk/service-kit';
import { proxyHandler } from './proxy';

/**
 * Stack mode's single base URL: what an ingress does in production. Serves the
 * whole `/api` by forwarding to intake-api, file-service, query-service and
 * zendesk-sync.
 */
const schema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port(3000),
  INTAKE_API_URL: z.url().default('http://127.0.0.1:3001'),
  FILE_SERVICE_URL: z.url().default('http://127.0.0.1:3002'),
  QUERY_SERVICE_URL: z.url().default('http://127.0.0.1:3003'),
  ZENDESK_SYNC_URL: z.url().default('http://127.0.0.1:3004'),
});

let config: z.output<typeof schema>;
try {
  config = parseConfig(schema);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`gateway: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const upstreams = {
  intake: new URL(config.INTAKE_API_URL),
  files: new URL(config.FILE_SERVICE_URL),
  query: new URL(config.QUERY_SERVICE_URL),
  zendesk: new URL(config.ZENDESK_SYNC_URL),
};
const server = createServer(proxyHandler(upstreams, upstreams.intake));
// Uploads can be long; only idle connections are cut.
server.requestTimeout = 0;
server.listen(config.PORT, config.HOST, () => console.log(`gateway listening on http://${config.HOST}:${config.PORT}`));

const shutdown = () => server.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
