import { ConfigError, closeOnSignals, parseConfig } from '@support-desk/service-kit';
import { buildGateway } from './app';
import { gatewayConfigSchema, upstreamsOf, type GatewayConfig } from './gateway-config';

let config: GatewayConfig;
try {
  config = parseConfig(gatewayConfigSchema);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`gateway: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const app = await buildGateway({
  upstreams: upstreamsOf(config),
  timeouts: { connectMs: config.UPSTREAM_CONNECT_TIMEOUT_MS, headersMs: config.UPSTREAM_HEADERS_TIMEOUT_MS, bodyMs: config.UPSTREAM_BODY_TIMEOUT_MS },
  logLevel: config.LOG_LEVEL,
});
// Stop accepting, let requests in flight finish, and exit after the grace period even if one hangs.
closeOnSignals(app, [], config.SHUTDOWN_GRACE_MS);
const address = await app.listen({ host: config.HOST, port: config.PORT });
app.log.info({ address, upstreams: upstreamsOf(config) }, `gateway listening on ${address}`);
