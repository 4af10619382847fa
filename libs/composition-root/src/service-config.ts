import { z } from 'zod';
import { httpConfigSchema, uploadLimitsSchema } from '@support-desk/service-kit';
import type { BlobConfig, BusConfig, EventStoreConfig, ReadModelConfig } from './infra-config';
import { ALL_PORTS, PORT_CONFIG_SCHEMAS, type Port } from './ports';
import { checkZendeskConfig, zendeskConfigSchema, type ZendeskConfig } from './zendesk-config';

const baseConfigSchema = (defaultPort: number) =>
  httpConfigSchema(defaultPort)
    .extend(uploadLimitsSchema.shape)
    .extend({ DATA_DIR: z.string().min(1).default('./data') });

type PortConfigs = { eventStore: EventStoreConfig; bus: BusConfig & EventStoreConfig; readModel: ReadModelConfig; blobs: BlobConfig };
type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;

/** What a service with these ports (and Zendesk settings when Z) is configured with. */
export type ServiceConfig<P extends Port = Port, Z extends boolean = true> = z.output<ReturnType<typeof baseConfigSchema>> &
  UnionToIntersection<PortConfigs[P]> &
  (Z extends true ? ZendeskConfig : unknown);

/**
 * The settings of one entry point (see README "Configuration"), parsed once in
 * main.ts: HTTP, upload limits and DATA_DIR, plus the settings of the ports it
 * opens and, for the services that talk to Zendesk, the Zendesk settings. A
 * service is never refused for a setting it does not use. Defaults run the
 * whole system on embedded adapters.
 */
export function serviceConfigSchema<P extends Port = Port, Z extends boolean = true>(
  defaultPort: number,
  ports: readonly P[] = ALL_PORTS as readonly Port[] as readonly P[],
  zendesk: Z = true as Z,
): z.ZodType<ServiceConfig<P, Z>> {
  let shape: z.ZodRawShape = { ...baseConfigSchema(defaultPort).shape };
  for (const port of ports) shape = { ...shape, ...PORT_CONFIG_SCHEMAS[port] };
  if (!zendesk) return z.object(shape) as unknown as z.ZodType<ServiceConfig<P, Z>>;
  return z.object({ ...shape, ...zendeskConfigSchema.shape }).superRefine(checkZendeskConfig as never) as unknown as z.ZodType<ServiceConfig<P, Z>>;
}
