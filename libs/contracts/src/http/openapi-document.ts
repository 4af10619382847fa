import { API_ROUTES, type ApiRouteName } from './api-routes';

/**
 * What the route schemas cannot say and the served OpenAPI document must:
 * operationIds (the route table's names, so a generated client has stable
 * method names), binary downloads, multipart upload bodies with their `file`
 * part, paging headers, and the links a client (or a stateful test) follows
 * from one answer to the next request. Applied once to the document that
 * @fastify/swagger assembles from the routes' zod schemas (service-kit).
 */
type Json = Record<string, unknown>;
type Operation = Json & { responses?: Record<string, Json>; requestBody?: Json; parameters?: Json[] };
type Document = Json & { paths?: Record<string, Record<string, Operation>>; components?: Json & { schemas?: Json } };

const ERROR = { $ref: '#/components/schemas/ErrorEnvelope' };
const errorResponse = (description: string): Json => ({ description, content: { 'application/json': { schema: ERROR } } });

const ERRORS: Record<string, string> = {
  400: 'Invalid request: detail.code REQUEST.VALIDATION (detail.issues name each field) or a route-specific code',
  401: 'AUTH.REQUIRED: no admin credentials (Authorization: Bearer <ADMIN_TOKEN>)',
  403: 'AUTH.FORBIDDEN: the admin token is not valid',
  404: 'Not found: TICKET.NOT_FOUND or FILE.NOT_FOUND',
  409: 'Conflict',
  413: 'The body or file is larger than allowed: REQUEST.TOO_LARGE or UPLOAD.TOO_LARGE',
  415: 'Unsupported content: REQUEST.UNSUPPORTED_MEDIA_TYPE, UPLOAD.NOT_MULTIPART or UPLOAD.NOT_AN_IMAGE',
  422: 'Valid, but refused by the current state: IDEMPOTENCY.KEY_REUSED (the key was used with another body), TICKET.IMAGE_NOT_FOUND (an image in `images` was never uploaded)',
  503: 'A back-end is unavailable or off (Retry-After when it will be back)',
};

const binary = (description: string, mediaTypes: string[], disposition: string): Json => ({
  description,
  headers: {
    'Content-Disposition': { description: disposition, schema: { type: 'string' } },
    'Content-Length': { schema: { type: 'integer', minimum: 0 } },
  },
  content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: { type: 'string', contentMediaType: type, format: 'binary' } }])),
});

/** `mediaTypes`: what the file part may be (the part's Content-Type; the server checks the bytes). */
const multipart = (what: string, limit: string, mediaTypes?: string[]): Json => ({
  required: true,
  description: `multipart/form-data with exactly one file, in the part named "file": ${what}. Largest file: ${limit}; larger answers 413 UPLOAD.TOO_LARGE.`,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        properties: { file: { type: 'string', format: 'binary', description: what } },
        required: ['file'],
      },
      ...(mediaTypes && { encoding: { file: { contentType: mediaTypes.join(', ') } } }),
    },
  },
});

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'];

/** Links from a support record answer (create, upload) to the operations that take its ids. */
const recordLinks = (): Json => ({
  UploadSupportFile: {
    operationId: 'uploadSupportFile',
    parameters: { feedbackId: '$response.body#/data/id' },
    description: 'Attach a LOG or FEEDBACK_PHOTO to this record: feedbackId is data.id.',
  },
  DownloadSupportFile: {
    operationId: 'downloadSupportFile',
    parameters: { coreTicketId: '$response.body#/data/ticketId' },
    description: 'Download a file of this ticket: coreTicketId is data.ticketId.',
  },
  SearchByTicketId: {
    operationId: 'searchTickets',
    requestBody: { ticketId: '$response.body#/data/ticketId' },
    description: 'Find this record with admin search.',
  },
  TicketDetail: { operationId: 'ticketDetail', parameters: { ticketId: '$response.body#/data/ticketId' } },
  TicketHistory: { operationId: 'ticketHistory', parameters: { ticketId: '$response.body#/data/ticketId' } },
  ResyncZendesk: { operationId: 'resyncZendesk', parameters: { ticketId: '$response.body#/data/ticketId' } },
});

const PAGING_HEADERS: Json = {
  'X-Page-Size': { description: 'The page size used', schema: { type: 'integer', minimum: 1, maximum: 100 } },
  'X-Page': { description: 'The page number, on numbered pages (not after a cursor)', schema: { type: 'integer', minimum: 1 } },
  'X-Next-Cursor': { description: 'Present when another page follows: send it as ?cursor= for the next page', schema: { type: 'string' } },
  'X-Total-Count': { description: 'Matching records, on numbered pages where the read model counts without a scan', schema: { type: 'integer', minimum: 0 } },
};

type Addition = {
  errors?: number[];
  success?: Json;
  successLinks?: Json;
  successHeaders?: Json;
  /** More media types of the 200 answer, beside the JSON its route schema declares. */
  successMedia?: Record<string, Json>;
  requestBody?: Json;
  /** An example JSON body (the seed's), for readers and for the examples phase of API tests. */
  jsonExample?: Json;
};

const ADMIN = [401, 403];

/** Per operation: every status the server answers besides those its route schema declares. */
const ADDITIONS: Partial<Record<ApiRouteName, Addition>> = {
  createTicket: {
    errors: [400, 413, 415, 422],
    successLinks: {
      ...recordLinks(),
      ExportUser: {
        operationId: 'exportUser',
        parameters: { uuid: '$request.body#/uuid' },
        description: "Everything held about this ticket's user (the uuid sent).",
      },
    },
    jsonExample: {
      uuid: '79af4bc5-a995-4262-92ee-0da381ccaf07',
      udid: '7237F578-828D-43D9-995D-F8B7AC8A4881',
      subject: 'sub 1',
      message: 'msg 1',
      email: 'user@example.com',
      name: 'sudipta',
      category: 'cat1',
      phone: '+919916248135',
    },
  },
  uploadImage: {
    errors: [400, 413, 415],
    requestBody: multipart('a JPEG, PNG, WebP or HEIC image (checked by its bytes)', '10 MiB by default (MAX_LOG_IMAGE_BYTES)', IMAGE_TYPES),
    successLinks: {
      CreateTicketWithImage: {
        operationId: 'createTicket',
        requestBody: {
          uuid: 'user-1',
          udid: 'device-1',
          subject: 'Subject',
          message: 'Message',
          email: 'user@example.com',
          category: 'general',
          images: ['$response.body#/data'],
        },
        description: 'Create a ticket that names this image in `images` (data is the image name).',
      },
      DownloadImage: { operationId: 'downloadImage', parameters: { name: '$response.body#/data' } },
    },
  },
  uploadSupportFile: {
    errors: [400, 404, 413, 415],
    requestBody: multipart(
      'LOG: any log file; FEEDBACK_PHOTO: a JPEG, PNG, WebP or HEIC image (checked by its bytes)',
      'LOG 50 MiB, FEEDBACK_PHOTO 10 MiB by default (MAX_LOG_BYTES, MAX_FEEDBACK_PHOTO_BYTES)',
    ),
    // What follows an upload: the file itself, another file, the ticket. Not every
    // record link again (the create answer has them): fewer choices, so a stateful
    // test that uploads goes on to download the file.
    successLinks: {
      DownloadUploadedFile: {
        operationId: 'downloadSupportFile',
        parameters: { coreTicketId: '$response.body#/data/ticketId', fileType: '$request.path.fileType' },
        description: 'Download the file just uploaded.',
      },
      UploadSupportFile: recordLinks().UploadSupportFile,
      TicketDetail: recordLinks().TicketDetail,
    },
  },
  downloadSupportFile: {
    errors: [400, ...ADMIN, 404],
    success: binary(
      'The latest file of this type: a LOG as sent (text or archive types, else application/octet-stream), a FEEDBACK_PHOTO as its image type',
      ['application/octet-stream', 'text/plain', ...IMAGE_TYPES],
      'attachment; filename="…"',
    ),
  },
  downloadImage: {
    errors: [400, ...ADMIN, 404],
    success: binary('The image', IMAGE_TYPES, 'inline; filename="…"'),
  },
  searchTickets: {
    errors: [400, ...ADMIN, 413, 415],
    successHeaders: PAGING_HEADERS,
    jsonExample: { email: 'user@example.com' },
    successLinks: {
      NextPage: {
        operationId: 'searchTickets',
        parameters: { cursor: '$response.header.X-Next-Cursor', pageSize: '$request.query.pageSize' },
        requestBody: '$request.body',
        description: 'The next page: the same filters, ?cursor= the X-Next-Cursor of this page (absent on the last page).',
      },
      ConsoleConfig: {
        operationId: 'adminConsoleConfig',
        description: 'The admin console\'s settings (e.g. where "Open in Zendesk" points), for the admin who searched.',
      },
    },
  },
  ticketDetail: { errors: [400, ...ADMIN, 404] },
  ticketHistory: { errors: [400, ...ADMIN, 404] },
  adminConsoleConfig: { errors: ADMIN },
  resyncZendesk: { errors: [400, ...ADMIN, 404, 503] },
  zendeskWebhook: { errors: [400, 401, 409, 413, 503] },
  eraseUser: {
    successLinks: {
      UserErasure: {
        operationId: 'userErasure',
        parameters: { uuid: '$response.body#/data/uuid' },
        description: 'Follow this erasure: REQUESTED, then ERASED.',
      },
    },
    errors: [400, ...ADMIN, 404, 413, 415],
    jsonExample: { reason: 'Art. 17 request received by mail on 2026-12-01' },
  },
  userErasure: { errors: [400, ...ADMIN, 404] },
  exportUser: {
    // Erasure only after an export in a chain of calls: a stateful test then never uploads to an erased user's ticket.
    successLinks: {
      EraseUser: {
        operationId: 'eraseUser',
        parameters: { uuid: '$response.body#/data/uuid' },
        requestBody: { reason: 'Erasure requested by the user' },
        description: 'Erase this user everywhere.',
      },
      UserErasure: {
        operationId: 'userErasure',
        parameters: { uuid: '$response.body#/data/uuid' },
        description: "This user's erasure, if one was requested (404 until then).",
      },
    },
    errors: [400, ...ADMIN, 404],
    successMedia: {
      'application/zip': {
        schema: {
          type: 'string',
          contentMediaType: 'application/zip',
          format: 'binary',
          description: '?format=zip: export.json and every stored file, streamed',
        },
      },
    },
  },
};

/** fastify's `/a/:id` as OpenAPI's `/a/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The document as served: the routes' schemas plus ADDITIONS. Returns the same object, completed. */
export function completeOpenApiDocument<T extends object>(input: T): T {
  const doc = input as Document;
  for (const [name, route] of Object.entries(API_ROUTES) as [ApiRouteName, (typeof API_ROUTES)[ApiRouteName]][]) {
    const operation = doc.paths?.[openApiPath(route.path)]?.[route.method.toLowerCase()];
    if (!operation) continue;
    operation.operationId = name;
    // A JSON body is required where the route reads one (behind a $ref, @fastify/swagger cannot tell).
    if (route.body === 'json' && operation.requestBody) operation.requestBody.required = true;
    const add = ADDITIONS[name];
    if (!add) continue;
    const responses = (operation.responses ??= {});
    if (add.success) responses['200'] = add.success;
    const ok = responses['200'];
    // Links on every success answer (erase answers 202 when it starts, 200 when one exists).
    for (const code of ['200', '201', '202']) if (responses[code] && add.successLinks) responses[code].links = add.successLinks;
    if (ok && add.successHeaders) ok.headers = { ...(ok.headers as Json | undefined), ...add.successHeaders };
    if (ok && add.successMedia) ok.content = { ...(ok.content as Json | undefined), ...add.successMedia };
    for (const status of add.errors ?? []) responses[String(status)] ??= errorResponse(ERRORS[status]!);
    if (add.requestBody) operation.requestBody = add.requestBody;
    const json = (operation.requestBody?.content as Record<string, Json> | undefined)?.['application/json'];
    if (json && add.jsonExample) json.example = add.jsonExample;
  }
  return input;
}
