import type { FastifyError, FastifyInstance } from 'fastify';
import { fail } from '@support-desk/contracts';
import { AppError, type Issue } from './app-error';
import { trackRouteMethods } from './method-not-allowed';

/** Status for errors that carry a stable `code` but know nothing of HTTP (domain errors). */
export type ErrorCodeStatuses = Readonly<Record<string, number>>;

type Classified = { status: number; code: string; message: string; issues?: Issue[]; retryAfterSeconds?: number };

// Fastify's and @fastify/multipart's own 4xx, with our wording and codes.
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Content-Type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'REQUEST.EMPTY_BODY', message: 'The request body is empty; a JSON object is expected' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'REQUEST.MALFORMED_JSON', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'REQUEST.TOO_LARGE', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'REQUEST.BAD_CONTENT_LENGTH' },
  FST_PROTO_VIOLATION: { status: 400, code: 'REQUEST.FORBIDDEN_FIELD', message: 'Field names __proto__ and constructor are not allowed' },
  FST_INVALID_JSON_FIELD_ERROR: { status: 400, code: 'UPLOAD.BAD_FIELD', message: 'A multipart field is not valid JSON' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'UPLOAD.NOT_MULTIPART', message: 'The upload must be multipart/form-data with a part named "file"' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'UPLOAD.TOO_LARGE', message: 'The file is larger than allowed' },
  FST_FILES_LIMIT: { status: 400, code: 'UPLOAD.TOO_MANY_FILES', message: 'Send exactly one file, in the part named "file"' },
  FST_PARTS_LIMIT: { status: 400, code: 'UPLOAD.TOO_MANY_PARTS', message: 'Too many multipart parts' },
  FST_FIELDS_LIMIT: { status: 400, code: 'UPLOAD.TOO_MANY_FIELDS', message: 'Too many multipart fields' },
};

export function classifyError(error: FastifyError & { validation?: unknown[]; validationContext?: string }, statuses: ErrorCodeStatuses): Classified {
  if (error instanceof AppError) return { status: error.statusCode, code: error.code, message: error.message, issues: error.issues };
  if (Array.isArray(error.validation)) return validationError(error.validation, error.validationContext);
  const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
  if (known) return { status: known.status, code: known.code, message: known.message ?? error.message };
  if (error.code && Object.hasOwn(statuses, error.code)) {
    const status = statuses[error.code]!;
    const retryAfterSeconds = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    // A back-end that is down (503) tells the client when to come back, and nothing of its internals.
    if (status === 503 && typeof retryAfterSeconds === 'number') {
      return { status, code: error.code, message: `Temporarily unavailable; retry after ${retryAfterSeconds} s`, retryAfterSeconds };
    }
    return { status, code: error.code, message: error.message };
  }
  // JSON.parse errors from fastify's parser arrive as SyntaxError with statusCode 400.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return { status: 400, code: 'REQUEST.MALFORMED_JSON', message: 'The request body is not valid JSON' };
  }
  // busboy's refusals (bare Errors, no code) never get here: the upload routes turn them
  // into AppErrors where they arise (feature-files receive-file-part.ts).
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, code: error.code ?? 'REQUEST.INVALID', message: error.message };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal server error' };
}

function validationError(items: unknown[], context: string | undefined): Classified {
  const where = context ?? 'request';
  const issues = items.map((raw) => {
    const item = raw as { instancePath?: string; message?: string; params?: { missingProperty?: string } };
    const path = (item.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const message = (item.message ?? 'is invalid').replace(/^Invalid input: expected (\w+), received undefined$/, 'is required');
    return { path: path ? `${where}.${path}` : where, message };
  });
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return { status: 400, code: 'REQUEST.VALIDATION', message: `Invalid ${where}: ${summary}`, issues };
}

/**
 * One error handler per app: stable codes, the seed's envelope, never a stack trace.
 * Call before the routes are added: a known path asked with another method is a 405.
 */
export function installErrorHandling(app: FastifyInstance, statuses: ErrorCodeStatuses = {}): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const c = classifyError(error, statuses);
    if (c.retryAfterSeconds !== undefined) request.log.warn({ err: error, code: c.code }, 'back-end unavailable');
    else if (c.status >= 500) request.log.error({ err: error }, 'unhandled error');
    else request.log.info({ code: c.code, status: c.status }, c.message);
    if (reply.sent || reply.raw.headersSent) return;
    if (c.retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(c.retryAfterSeconds))));
    void reply
      .code(c.status)
      .type('application/json; charset=utf-8')
      .send(fail(c.message, c.issues ? { code: c.code, issues: c.issues } : { code: c.code }));
  });
  const allowedMethods = trackRouteMethods(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allow = allowedMethods(path);
    // A route that answers this method but not this resource (reply.callNotFound) stays a 404.
    if (allow.length > 0 && !allow.includes(request.method)) {
      void reply
        .code(405)
        .header('allow', allow.join(', '))
        .type('application/json; charset=utf-8')
        .send(fail(`Method ${request.method} is not allowed on ${path}; allowed: ${allow.join(', ')}`, { code: 'REQUEST.METHOD_NOT_ALLOWED' }));
      return;
    }
    void reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send(fail(`No route ${request.method} ${path}`, { code: 'ROUTE.NOT_FOUND' }));
  });
}
