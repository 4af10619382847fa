import { z } from 'zod';
import { httpConfigSchema, uploadLimitsSchema } from '@support-desk/service-kit';
import { infraConfigSchema } from './infra-config';
import { checkZendeskConfig, zendeskConfigSchema } from './zendesk-config';

/**
 * The settings of every entry point (see README "Configuration"). Services parse
 * this once in main.ts; defaults run the whole system on embedded adapters.
 */
export const serviceConfigSchema = (defaultPort: number) =>
  httpConfigSchema(defaultPort)
    .extend(uploadLimitsSchema.shape)
    .extend(infraConfigSchema.shape)
    .extend({
      DATA_DIR: z.string().min(1).default('./data'),
    })
    .extend(zendeskConfigSchema.shape)
    // Keep this last: zod refuses .extend() after a refinement (use .safeExtend() to add fields later).
    .superRefine(checkZendeskConfig);

export type ServiceConfig = z.output<ReturnType<typeof serviceConfigSchema>>;
