import pino, { type Logger, type LoggerOptions } from 'pino';
import { traceLogFields, tracingEnabled } from './observability/tracing';

/**
 * Personal data stays out of logs: emails and phone numbers are masked wherever
 * they appear in a logged object (keys `email` / `phone` at any depth we log).
 */
export function maskEmail(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const at = value.indexOf('@');
  if (at < 1) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

export function maskPhone(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const digits = value.replace(/\D/g, '');
  return digits.length <= 2 ? '***' : `***${digits.slice(-2)}`;
}

const PII_PATHS = ['email', 'phone', '*.email', '*.phone', '*.*.email', '*.*.phone', 'req.headers.authorization'];

export function loggerOptions(level: string, name?: string): LoggerOptions {
  return {
    level,
    name,
    // Tracing on: each line written inside a span carries trace_id (off: no per-line cost).
    ...(tracingEnabled() ? { mixin: traceLogFields } : {}),
    redact: {
      paths: PII_PATHS,
      censor: (value, path) => {
        const key = path[path.length - 1];
        if (key === 'email') return maskEmail(value);
        if (key === 'phone') return maskPhone(value);
        return '[redacted]';
      },
    },
  };
}

export function createLogger(level: string, name?: string): Logger {
  return pino(loggerOptions(level, name));
}

export type { Logger };
