import { Readable } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '@support-desk/service-kit';
import { receiveFilePart } from './receive-file-part';

const BOUNDARY = 'receive-file-part-test';
const filePart = (content: string) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.log"\r\n\r\n${content}`;

/** Multipart failures reach the client as our codes, recognised by where and how they are thrown, not by wording. */
describe('receiveFilePart', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    installErrorHandling(app);
    await app.register(fastifyMultipart, { throwFileSizeLimit: true });
    app.post('/upload', async (request) => {
      const { file } = await receiveFilePart(request, 1024 * 1024);
      let size = 0;
      for await (const chunk of file) size += (chunk as Buffer).length;
      return { size };
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const upload = (contentType: string, payload: string | Readable) =>
    app.inject({ method: 'POST', url: '/upload', headers: { 'content-type': contentType }, payload });

  it('reads the file part', async () => {
    const res = await upload(`multipart/form-data; boundary=${BOUNDARY}`, `${filePart('hello')}\r\n--${BOUNDARY}--\r\n`);
    expect(res.json()).toEqual({ size: 5 });
  });

  it("answers busboy's refusal of a multipart type without a boundary with 400 UPLOAD.MALFORMED_MULTIPART", async () => {
    const res = await upload('multipart/form-data', `${filePart('hello')}\r\n--${BOUNDARY}--\r\n`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: true, detail: { code: 'UPLOAD.MALFORMED_MULTIPART' }, message: 'The multipart body is malformed' });
  });

  it('answers a body that ends inside the file with 400 UPLOAD.INCOMPLETE, before or while the file is read', async () => {
    // Streamed: busboy fails the part while it is being read, with its own bare Error.
    const streamed = Readable.from(
      (async function* () {
        yield Buffer.from(filePart(''));
        for (let i = 0; i < 8; i++) yield Buffer.alloc(16 * 1024, 1);
      })(),
    );
    for (const payload of [filePart('partial'), streamed]) {
      const res = await upload(`multipart/form-data; boundary=${BOUNDARY}`, payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ error: true, detail: { code: 'UPLOAD.INCOMPLETE' } });
    }
  });
});
