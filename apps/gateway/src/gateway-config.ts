import { z } from 'zod';
import type { ServiceName } from '@support-desk/contracts';
import { httpConfigSchema } from '@support-desk/service-kit';

const millis = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Stack mode's defaults: the four services on the ports after the gateway's. */
export const gatewayConfigSchema = httpConfigSchema(3000)
  .pick({ HOST: true, PORT: true, LOG_LEVEL: true })
  .extend({
    INTAKE_API_URL: z.url().default('http://127.0.0.1:3001'),
    FILE_SERVICE_URL: z.url().default('http://127.0.0.1:3002'),
    QUERY_SERVICE_URL: z.url().default('http://127.0.0.1:3003'),
    ZENDESK_SYNC_URL: z.url().default('http://127.0.0.1:3004'),
    /** Opening a connection to a service. */
    UPSTREAM_CONNECT_TIMEOUT_MS: millis(5_000),
    /** From the request fully sent (an upload's last byte) to the answer's headers. */
    UPSTREAM_HEADERS_TIMEOUT_MS: millis(60_000),
    /** The longest silence inside an answer's body (a download). */
    UPSTREAM_BODY_TIMEOUT_MS: millis(60_000),
    /** SIGTERM/SIGINT: requests in flight get this long, then the process exits anyway. */
    SHUTDOWN_GRACE_MS: millis(10_000),
  });

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export const upstreamsOf = (config: GatewayConfig): Record<ServiceName, string> => ({
  'intake-api': config.INTAKE_API_URL,
  'file-service': config.FILE_SERVICE_URL,
  'query-service': config.QUERY_SERVICE_URL,
  'zendesk-sync': config.ZENDESK_SYNC_URL,
});
