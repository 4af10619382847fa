import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, CONTROL_CHARS, PRINTABLE_TEXT_PATTERN, openApiPath } from '@support-desk/contracts';
import { startTestDesk, type TestDesk } from './testing/test-desk';

type Op = {
  operationId?: string;
  responses: Record<string, { content?: Record<string, unknown>; links?: Record<string, { operationId: string }>; headers?: Record<string, unknown> }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: { required?: string[] } }> };
};

/** The served document states what the server does (issue 11); schemathesis checks it against the server in CI. */
describe('the OpenAPI document', () => {
  let desk: TestDesk;
  let paths: Record<string, Record<string, Op>>;
  beforeAll(async () => {
    desk = await startTestDesk();
    paths = (await desk.app.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths;
  });
  afterAll(() => desk.close());
  const op = (name: keyof typeof API_ROUTES) => paths[openApiPath(API_ROUTES[name].path)]![API_ROUTES[name].method.toLowerCase()]!;

  it('names each operation after the route table and documents its errors', () => {
    expect(op('createTicket').operationId).toBe('createTicket');
    expect(Object.keys(op('downloadSupportFile').responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    expect(op('downloadImage').responses['200']!.content).toHaveProperty(['image/png', 'schema', 'format'], 'binary');
  });

  it('describes the upload bodies as multipart with a required file part', () => {
    for (const name of ['uploadImage', 'uploadSupportFile'] as const) {
      expect(op(name).requestBody?.content['multipart/form-data']?.schema.required).toEqual(['file']);
    }
    expect(op('createTicket').requestBody?.required).toBe(true);
  });

  it('links the create answer to upload, download and search, and the image upload to create', () => {
    const targets = (name: keyof typeof API_ROUTES) => Object.values(op(name).responses['200']!.links ?? {}).map((l) => l.operationId);
    expect(targets('createTicket')).toEqual(expect.arrayContaining(['uploadSupportFile', 'downloadSupportFile', 'searchTickets']));
    expect(targets('uploadImage')).toContain('createTicket');
    expect(targets('searchTickets')).toContain('searchTickets');
    expect(op('searchTickets').responses['200']!.headers).toHaveProperty('X-Next-Cursor');
  });

  it('states the text rule the validation enforces as a pattern', () => {
    const pattern = new RegExp(PRINTABLE_TEXT_PATTERN);
    for (const [value, accepted] of [
      ['hello', true],
      ['  x ', true],
      ['   ', false],
      ['', false],
      ['a\u0000b', false],
      ['tab\tok', true],
      ['\uFEFF', false],
    ] as const) {
      expect(pattern.test(value), JSON.stringify(value)).toBe(accepted);
      expect(value.trim() !== '' && !CONTROL_CHARS.test(value), JSON.stringify(value)).toBe(accepted);
    }
  });
});
