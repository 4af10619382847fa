import { z } from 'zod';
import { httpConfigSchema, uploadLimitsSchema } from '@support-desk/service-kit';
import { infraConfigSchema } from './infra-config';

/**
 * The settings of every entry point (see README "Configuration"). Services parse
 * this once in main.ts; defaults run the whole system on embedded adapters.
 */
export const runtimeConfigSchema = (defaultPort: number) =>
  httpConfigSchema(defaultPort)
    .extend(uploadLimitsSchema.shape)
    .extend(infraConfigSchema.shape)
    .extend({
      DATA_DIR: z.string().min(1).default('./data'),
      ZENDESK_SUBDOMAIN: z.string().min(1).optional(),
      ZENDESK_URL: z.url().optional(),
    });

export type RuntimeConfig = z.output<ReturnType<typeof runtimeConfigSchema>>;

export const zendeskConfigured = (c: RuntimeConfig): boolean => Boolean(c.ZENDESK_SUBDOMAIN || c.ZENDESK_URL);
