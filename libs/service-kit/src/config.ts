import { z } from 'zod';
import { TRACES_SAMPLERS } from './observability/tracing';

/**
 * Config is parsed once, at start, from the environment. A missing or bad value
 * stops the process with a message naming the variable. Nothing else in the code
 * reads process.env.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`));
}

const MiB = 1024 * 1024;

/** Byte sizes accept plain bytes or a unit: 10MiB, 512KiB, 1GiB, 50MB. */
export const byteSize = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|KIB|MB|MIB|GB|GIB)?\s*$/i.exec(raw);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `"${raw}" is not a size (examples: 1048576, 10MiB, 512KiB)` });
        return z.NEVER;
      }
      const units: Record<string, number> = { B: 1, KB: 1000, KIB: 1024, MB: 1e6, MIB: MiB, GB: 1e9, GIB: 1024 * MiB };
      return Math.floor(Number(m[1]) * units[(m[2] ?? 'B').toUpperCase()]!);
    });

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** What every HTTP service shares; each service has its own default port. */
export const httpConfigSchema = (defaultPort = 3000) =>
  z.object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port(defaultPort),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Base of links we hand out (logPath, feedbackPhoto); defaults to http://HOST:PORT. */
    PUBLIC_BASE_URL: z.url().optional(),
    /** Comma-separated admin bearer tokens. */
    ADMIN_TOKEN: z.string().optional(),
    /** Prometheus metrics at /metrics (on by default; `off` records nothing, for comparison runs). */
    METRICS: z.enum(['on', 'off']).default('on'),
    /** Serve /metrics on this port instead of the API port. */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** OTLP/HTTP collector (e.g. http://127.0.0.1:4318): traces are exported there; unset = tracing off, at no cost. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    /**
     * Which requests start a trace (the OpenTelemetry names). Default parentbased_traceidratio: a
     * caller's traceparent decides (sampled: traced, and so is all it causes), else a share of
     * OTEL_TRACES_SAMPLER_ARG of new traces is recorded.
     */
    OTEL_TRACES_SAMPLER: z.enum(TRACES_SAMPLERS).default('parentbased_traceidratio'),
    /** Share of new traces recorded (0..1) by the *traceidratio samplers. */
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(0.1),
  });

export type HttpConfig = z.output<ReturnType<typeof httpConfigSchema>>;

export const uploadLimitsSchema = z.object({
  MAX_LOG_BYTES: byteSize(50 * MiB),
  MAX_FEEDBACK_PHOTO_BYTES: byteSize(10 * MiB),
  MAX_LOG_IMAGE_BYTES: byteSize(10 * MiB),
});

export type UploadLimits = { LOG: number; FEEDBACK_PHOTO: number; LOG_IMAGE: number };

export const toUploadLimits = (c: z.output<typeof uploadLimitsSchema>): UploadLimits => ({
  LOG: c.MAX_LOG_BYTES,
  FEEDBACK_PHOTO: c.MAX_FEEDBACK_PHOTO_BYTES,
  LOG_IMAGE: c.MAX_LOG_IMAGE_BYTES,
});

export const publicBaseUrl = (c: HttpConfig, actualPort?: number): string =>
  (c.PUBLIC_BASE_URL ?? `http://${c.HOST.includes(':') ? `[${c.HOST}]` : c.HOST}:${actualPort ?? c.PORT}`).replace(/\/+$/, '');
