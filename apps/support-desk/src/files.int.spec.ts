import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketStreamId } from '@support-desk/contracts';
import { admin, createTicket, images, multipart, multipartBoundary, multipartHeaders, startTestDesk, type TestDesk } from './testing/test-desk';

const KiB = 1024;

/** A multipart body streamed in chunks, with no Content-Length: the server only learns the size by reading. */
function streamedMultipart(head: Buffer, totalFileBytes: number, closeBoundary = true): Readable {
  let sent = 0;
  let phase: 'preamble' | 'file' | 'done' = 'preamble';
  return new Readable({
    read() {
      if (phase === 'preamble') {
        phase = 'file';
        this.push(Buffer.from(`--${multipartBoundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`));
        this.push(head);
        sent = head.length;
      } else if (phase === 'file') {
        const n = Math.min(64 * KiB, totalFileBytes - sent);
        if (n <= 0) {
          phase = 'done';
          if (closeBoundary) this.push(Buffer.from(`\r\n--${multipartBoundary}--\r\n`));
          this.push(null);
          return;
        }
        sent += n;
        this.push(Buffer.alloc(n, 7));
      }
    },
  });
}

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name));
  } catch {
    return [];
  }
}

describe('files', () => {
  let desk: TestDesk;
  let record: { id: string; ticketId: string };
  beforeAll(async () => {
    desk = await startTestDesk({ MAX_LOG_BYTES: '256KiB', MAX_FEEDBACK_PHOTO_BYTES: '128KiB', MAX_LOG_IMAGE_BYTES: '128KiB' });
    record = (await createTicket(desk.app)).json().data;
  });
  afterAll(() => desk.close());

  const uploadImage = (body: ReturnType<typeof multipart>, query = '?bucketType=LOG_IMAGE') =>
    desk.app.inject({ method: 'POST', url: `/api/common/upload/file${query}`, ...body });
  const uploadFile = (fileType: string, body: { payload: Buffer | Readable; headers: Record<string, string> }, id = record.id) =>
    desk.app.inject({ method: 'POST', url: `/api/user/help/file/upload/${id}/${fileType}`, ...body });
  const download = (fileType: string, ticketId = record.ticketId, headers: Record<string, string> = admin) =>
    desk.app.inject({ method: 'GET', url: `/api/aws/download/support/file/${ticketId}/${fileType}`, headers });

  describe('POST /api/common/upload/file?bucketType=LOG_IMAGE', () => {
    it.each(Object.entries(images))('stores a %s and names it <uuid>.<ext> by its bytes', async (kind, content) => {
      const res = await uploadImage(multipart({ content, name: 'photo.bin', type: 'application/octet-stream' }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ error: false, message: 'File is uploaded successfully' });
      expect(res.json().data).toMatch(new RegExp(`^[0-9a-f-]{36}\\.${kind}$`));
    });

    it('refuses a file that is not an image, whatever its name claims (415)', async () => {
      const res = await uploadImage(multipart({ content: Buffer.from('#!/bin/sh\necho hi\n'), name: 'x.jpeg', type: 'image/jpeg' }));
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ error: true, detail: { code: 'UPLOAD.NOT_AN_IMAGE' } });
    });

    it('refuses an unknown or missing bucketType (400)', async () => {
      for (const q of ['?bucketType=OTHER', '']) {
        const res = await uploadImage(multipart({ content: images.png }), q);
        expect(res.statusCode).toBe(400);
        expect(res.json().message).toContain('bucketType');
      }
    });
  });

  describe('POST /api/user/help/file/upload/{feedbackId}/{type}', () => {
    it('stores a log and a photo and returns the record with their links', async () => {
      const log = await uploadFile('LOG', multipart({ content: Buffer.from('line 1\nline 2\n'), name: 'app.log', type: 'text/plain' }));
      expect(log.statusCode, log.body).toBe(200);
      expect(log.json()).toMatchObject({ message: 'User customer support file is uploaded successfully', data: { id: record.id } });
      expect(log.json().data.logPath).toBe(`http://desk.test/api/aws/download/support/file/${record.ticketId}/LOG`);
      const photo = await uploadFile('FEEDBACK_PHOTO', multipart({ content: images.png, name: 'shot.png', type: 'image/png' }));
      expect(photo.statusCode, photo.body).toBe(200);
      expect(photo.json().data.feedbackPhoto).toBe(`http://desk.test/api/aws/download/support/file/${record.ticketId}/FEEDBACK_PHOTO`);
      expect(photo.json().data.logPath).not.toBeNull();
    });

    it('accepts the id in upper case', async () => {
      const res = await uploadFile('LOG', multipart({ content: Buffer.from('x') }), record.id.toUpperCase());
      expect(res.statusCode, res.body).toBe(200);
    });

    it('refuses a photo that is not an image (415) and records nothing', async () => {
      const before = (await desk.adapters.eventStore.readStream(ticketStreamId(record.id))).length;
      const res = await uploadFile('FEEDBACK_PHOTO', multipart({ content: Buffer.from('plain text'), name: 'a.png', type: 'image/png' }));
      expect(res.statusCode).toBe(415);
      expect((await desk.adapters.eventStore.readStream(ticketStreamId(record.id))).length).toBe(before);
    });

    it('answers 400 for a malformed id or an unknown type, 404 for an unknown record', async () => {
      const body = () => multipart({ content: Buffer.from('x') });
      expect((await uploadFile('LOG', body(), 'not-a-uuid')).statusCode).toBe(400);
      expect((await uploadFile('VIDEO', body())).json()).toMatchObject({ error: true, detail: { code: 'REQUEST.VALIDATION' } });
      const unknown = await uploadFile('LOG', body(), '00000000-0000-4000-8000-000000000000');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().detail.code).toBe('TICKET.NOT_FOUND');
    });

    it('refuses a body that is not multipart (415) and one without a file part (400)', async () => {
      const json = await desk.app.inject({ method: 'POST', url: `/api/user/help/file/upload/${record.id}/LOG`, payload: { file: 'x' } });
      expect(json.statusCode).toBe(415);
      expect(json.json().detail.code).toBe('UPLOAD.NOT_MULTIPART');
      const fieldsOnly = Buffer.from(`--${multipartBoundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${multipartBoundary}--\r\n`);
      const noFile = await uploadFile('LOG', { payload: fieldsOnly, headers: multipartHeaders });
      expect(noFile.statusCode).toBe(400);
      expect(noFile.json().detail.code).toBe('UPLOAD.FILE_MISSING');
      const wrongField = await uploadFile('LOG', multipart({ field: 'upload', content: Buffer.from('x') }));
      expect(wrongField.statusCode).toBe(400);
      expect(wrongField.json().message).toContain('"file"');
    });

    it('answers 400 for a multipart body that ends inside the file, and records nothing', async () => {
      const before = (await desk.adapters.eventStore.readStream(ticketStreamId(record.id))).length;
      const truncated = Buffer.from(`--${multipartBoundary}\r\nContent-Disposition: form-data; name="file"; filename="a.log"\r\n\r\npartial data`);
      for (const [type, payload] of [
        ['LOG', truncated],
        ['FEEDBACK_PHOTO', truncated],
        ['LOG', streamedMultipart(Buffer.alloc(0), 200 * KiB, false)],
        ['FEEDBACK_PHOTO', streamedMultipart(images.png, 100 * KiB, false)],
      ] as const) {
        const res = await uploadFile(type, { payload, headers: multipartHeaders });
        expect(res.statusCode, `${type}: ${res.body}`).toBe(400);
        expect(res.json()).toMatchObject({ error: true, detail: { code: 'UPLOAD.INCOMPLETE' } });
      }
      expect((await desk.adapters.eventStore.readStream(ticketStreamId(record.id))).length).toBe(before);
      expect(filesUnder(join(desk.dataDir, 'blobs', '.tmp'))).toEqual([]);
    });

    it('refuses an oversized file while streaming (413): no blob, no event, earlier file intact', async () => {
      const first = await uploadFile('FEEDBACK_PHOTO', multipart({ content: images.jpeg, name: 'ok.jpg' }));
      expect(first.statusCode).toBe(200);
      const eventsBefore = (await desk.adapters.eventStore.readStream(ticketStreamId(record.id))).length;
      const blobsBefore = filesUnder(join(desk.dataDir, 'blobs'));

      const res = await uploadFile('FEEDBACK_PHOTO', { payload: streamedMultipart(images.jpeg, 1024 * KiB), headers: multipartHeaders });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ error: true, detail: { code: 'UPLOAD.TOO_LARGE' } });
      expect(res.json().message).toContain('128 KiB');

      expect((await desk.adapters.eventStore.readStream(ticketStreamId(record.id))).length).toBe(eventsBefore);
      expect(filesUnder(join(desk.dataDir, 'blobs')).sort()).toEqual(blobsBefore.sort());
      const still = await download('FEEDBACK_PHOTO');
      expect(still.rawPayload.equals(images.jpeg)).toBe(true);
    });

    it('refuses at once a declared Content-Length far over the limit', async () => {
      const big = multipart({ content: Buffer.alloc(600 * KiB, 1), name: 'big.log' });
      const res = await uploadFile('LOG', big);
      expect(res.statusCode).toBe(413);
      expect(res.json().message).toContain('256 KiB');
    });

    it('accepts a file of exactly the limit', async () => {
      const res = await uploadFile('LOG', { payload: streamedMultipart(Buffer.alloc(0), 256 * KiB), headers: multipartHeaders });
      expect(res.statusCode, res.body).toBe(200);
    });
  });

  describe('GET /api/aws/download/support/file/{coreTicketId}/{type}', () => {
    it('streams the latest file with its type and file name', async () => {
      const content = Buffer.from('the latest log\n');
      await uploadFile('LOG', multipart({ content, name: 'näme 1.log', type: 'text/plain' }));
      const res = await download('LOG');
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(content)).toBe(true);
      expect(res.headers['content-type']).toBe('text/plain');
      expect(res.headers['content-length']).toBe(String(content.length));
      expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''n%C3%A4me%201.log`);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('requires admin credentials: 401 without, 403 with a wrong token', async () => {
      const none = await download('LOG', record.ticketId, {});
      expect(none.statusCode).toBe(401);
      expect(none.json()).toMatchObject({ data: null, error: true, detail: { code: 'AUTH.REQUIRED' } });
      expect((await download('LOG', record.ticketId, { authorization: 'Bearer wrong' })).statusCode).toBe(403);
      expect((await download('LOG', record.ticketId, { authorization: 'Basic abc' })).statusCode).toBe(401);
    });

    it('answers 404 for an unknown ticket or a missing file, 400 for a malformed id or type', async () => {
      const other = (await createTicket(desk.app)).json().data;
      expect((await download('LOG', other.ticketId)).json().detail.code).toBe('FILE.NOT_FOUND');
      expect((await download('LOG', '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
      expect((await download('LOG', 'abc')).statusCode).toBe(400);
      expect((await download('PDF')).statusCode).toBe(400);
    });
  });
});
