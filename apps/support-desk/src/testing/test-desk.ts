import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openServiceContext, type Adapters } from '@support-desk/composition-root';
import { supportDesk } from '../app';

export const ADMIN_TOKEN = 'test-admin-token';
export const BASE_URL = 'http://desk.test';

export type TestDesk = {
  app: FastifyInstance;
  adapters: Adapters;
  dataDir: string;
  close(): Promise<void>;
};

/** The whole system in-process on embedded adapters in a temp dir; drive it with app.inject(). */
export async function startTestDesk(env: Record<string, string> = {}): Promise<TestDesk> {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-test-'));
  // The app routes' hourly limits are off here (0): suites create many tickets from one address; user-tickets.int.spec.ts tests them.
  const noLimits = { USER_RATE_LIMIT_TICKETS_PER_HOUR: '0', USER_RATE_LIMIT_UPLOADS_PER_HOUR: '0', USER_RATE_LIMIT_REPLIES_PER_HOUR: '0' };
  const ctx = await openServiceContext(supportDesk, { DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_BASE_URL: BASE_URL, ADMIN_TOKEN, ...noLimits, ...env });
  const { adapters } = ctx;
  const service = await supportDesk.build(ctx);
  await service.app.ready();
  await service.start?.();
  return {
    app: service.app,
    adapters,
    dataDir,
    async close() {
      await service.app.close();
      await service.stop?.();
      await adapters.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** A minimal valid PNG / JPEG / WebP / HEIC header followed by filler bytes. */
export const images = {
  png: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]),
  jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]),
  webp: Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(64, 3)]),
  heic: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(64, 4)]),
};

const BOUNDARY = '----supportdesktestboundary';

/** A multipart/form-data body with one file part (and optional extra fields before it). */
export function multipart(file: { field?: string; name?: string; type?: string; content: Buffer }, fields: Record<string, string> = {}) {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name ?? 'upload.bin'}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
    ),
    file.content,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  );
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

export const multipartHeaders = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
export const multipartBoundary = BOUNDARY;

export const seedCreateBody = {
  uuid: '79af4bc5-a995-4262-92ee-0da381ccaf07',
  udid: '7237F578-828D-43D9-995D-F8B7AC8A4881',
  subject: 'sub 1@innoflexion.com',
  message: 'msg 1@innoflexion.com',
  email: 'sudipta.bhaumik@innoflexion.com',
  name: 'sudipta',
  category: 'cat1',
  phone: '+919916248135',
  images: [] as string[],
};

export async function uploadImage(app: FastifyInstance, content: Buffer = images.jpeg): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/common/upload/file?bucketType=LOG_IMAGE',
    ...multipart({ content, name: 'shot.jpg', type: 'image/jpeg' }),
  });
  if (res.statusCode !== 200) throw new Error(`image upload failed: ${res.statusCode} ${res.body}`);
  return res.json().data as string;
}

export async function createTicket(app: FastifyInstance, body: Record<string, unknown> = seedCreateBody, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/api/user/log/message', payload: body, headers });
}

/** vi.waitFor / expect.poll options for the read model and workers to catch up with the event store, in process. */
export const catchUp = { timeout: 5_000, interval: 25 } as const;
