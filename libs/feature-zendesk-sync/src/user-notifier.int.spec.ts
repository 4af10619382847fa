import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UserNotifier, signUserNotification, type UserNotification } from './user-notifier';

const SECRET = 'push-hook-secret-0123456789';
type Received = { headers: Record<string, string | string[] | undefined>; body: string };

/** The app's backend: answers with `statuses` in turn (then 204), records what it got. */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`, received, close: () => new Promise((r) => server.close(r)) };
}

const logs: { level: string; msg: string }[] = [];
const log = {
  info: (_o: object, msg: string) => logs.push({ level: 'info', msg }),
  warn: (_o: object, msg: string) => logs.push({ level: 'warn', msg }),
  error: (_o: object, msg: string) => logs.push({ level: 'error', msg }),
};
const notification: UserNotification = {
  event: 'ticket.reply',
  ticketId: 't-1',
  uuid: 'user-1',
  udid: 'DEVICE-1',
  commentId: '900001',
  createdAt: 1_700_000_000_000,
};
const noWait = async () => undefined;

describe('UserNotifier (the push hook)', () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await close?.();
    logs.length = 0;
  });

  it('POSTs the ticket id, uuid, udid and comment id, signed with HMAC-SHA256 over timestamp + body', async () => {
    const app = await receiver([]);
    close = app.close;
    const notifier = new UserNotifier({ url: app.url, secret: SECRET, maxAttempts: 3, retryBaseMs: 1 }, log, noWait);
    notifier.notify(notification);
    await notifier.idle();
    expect(app.received).toHaveLength(1);
    const [{ headers, body }] = app.received as [Received];
    expect(JSON.parse(body)).toEqual(notification);
    const timestamp = headers['x-support-desk-timestamp'] as string;
    expect(headers['x-support-desk-signature']).toBe(signUserNotification(SECRET, timestamp, body));
    expect(headers['x-support-desk-signature']).not.toBe(signUserNotification('another-secret-0123456', timestamp, body));
  });

  it('retries 5xx, 429 and network errors with back-off, then succeeds', async () => {
    const app = await receiver([503, 429]);
    close = app.close;
    const waits: number[] = [];
    const notifier = new UserNotifier({ url: app.url, secret: SECRET, maxAttempts: 5, retryBaseMs: 100 }, log, async (ms) => void waits.push(ms));
    notifier.notify(notification);
    await notifier.idle();
    expect(app.received).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('gives up after maxAttempts (logged), and never retries a 4xx refusal', async () => {
    const down = new UserNotifier({ url: 'http://127.0.0.1:1/push', secret: SECRET, maxAttempts: 3, retryBaseMs: 1 }, log, noWait);
    down.notify(notification);
    await down.idle();
    expect(logs.at(-1)).toEqual({ level: 'error', msg: 'user notification failed: giving up' });
    const app = await receiver([400]);
    close = app.close;
    const refused = new UserNotifier({ url: app.url, secret: SECRET, maxAttempts: 5, retryBaseMs: 1 }, log, noWait);
    refused.notify(notification);
    await refused.idle();
    expect(app.received).toHaveLength(1);
  });

  it('notify returns at once: a slow or dead receiver never blocks the caller', async () => {
    const notifier = new UserNotifier({ url: 'http://127.0.0.1:1/push', secret: SECRET, maxAttempts: 50, retryBaseMs: 60_000 }, log);
    const started = Date.now();
    notifier.notify(notification);
    expect(Date.now() - started).toBeLessThan(50);
    await notifier.stop();
    expect(logs.map((l) => l.msg)).toContain('user notification dropped: shutting down');
  });
});
