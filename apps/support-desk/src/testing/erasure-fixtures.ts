import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { images, multipart, uploadImage } from './test-desk';

/** A user whose every personal value is unique enough to be searched for in raw files. */
export function fixtureUser(tag: string) {
  return {
    uuid: `5d1f0c7e-${tag}-4b7a-9e2d-8c3b1a0f6e5d`,
    udid: `UDID-${tag}-7237F578-828D`,
    email: `erase.${tag}@example.com`,
    phone: `+44 7700 9${tag.slice(0, 5).replace(/\D/g, '0').padEnd(5, '0')}`,
    name: `Name${tag}`,
    subject: `subject zq${tag}`,
    message: `message kw${tag} the app crashes`,
  };
}
export type FixtureUser = ReturnType<typeof fixtureUser>;

/** Two tickets (one with two images), a log that names the user, a reply: what an erasure must find everywhere. */
export async function createUserData(app: FastifyInstance, user: FixtureUser) {
  const photo = Buffer.concat([images.png, Buffer.from(`photo of ${user.email}`)]);
  const image1 = await uploadImage(app, photo);
  const image2 = await uploadImage(app, Buffer.concat([images.jpeg, Buffer.from(`second ${user.uuid}`)]));
  const body = { uuid: user.uuid, udid: user.udid, email: user.email, phone: user.phone, name: user.name, category: 'cat1' };
  const first = await app.inject({
    method: 'POST',
    url: '/api/user/log/message',
    payload: { ...body, subject: user.subject, message: user.message, images: [image1, image2] },
  });
  if (first.statusCode !== 200) throw new Error(`create failed: ${first.body}`);
  const second = await app.inject({
    method: 'POST',
    url: '/api/user/log/message',
    payload: { ...body, subject: `${user.subject} again`, message: `${user.message} again`, images: [] },
  });
  if (second.statusCode !== 200) throw new Error(`create failed: ${second.body}`);
  const log = Buffer.from(`2026-12-01 device log of ${user.email} ${user.phone}\n`.repeat(50));
  const record = first.json().data as { id: string; ticketId: string };
  const upload = await app.inject({
    method: 'POST',
    url: `/api/user/help/file/upload/${record.id}/LOG`,
    ...multipart({ content: log, name: 'device.log', type: 'text/plain' }),
  });
  if (upload.statusCode !== 200) throw new Error(`log upload failed: ${upload.body}`);
  return {
    tickets: [record.ticketId, (second.json().data as { ticketId: string }).ticketId],
    recordIds: [record.id, (second.json().data as { id: string }).id],
    files: new Map([
      [image1, photo],
      [image2, Buffer.concat([images.jpeg, Buffer.from(`second ${user.uuid}`)])],
    ]),
    log,
  };
}

/** Every regular file under `dir`, with its bytes. */
export function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) out.push(...filesUnder(path));
    else if (stat.isFile()) out.push({ path, bytes: readFileSync(path) });
  }
  return out;
}

/** Which of `needles` appear in which file under `dir`, as raw bytes (UTF-8). */
export function rawHits(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  for (const { path, bytes } of filesUnder(dir)) for (const needle of needles) if (bytes.includes(Buffer.from(needle))) hits.push(`${needle} in ${path}`);
  return hits;
}
