import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openServiceContext } from '@support-desk/composition-root';
import { intakeApi } from './app';

// Ports nothing listens on: a service that tried to use them would fail to start or hang.
const CLOSED = {
  MONGODB_URL: 'mongodb://127.0.0.1:9/supportdesk?serverSelectionTimeoutMS=500',
  KAFKA_BROKERS: '127.0.0.1:9',
  // Invalid for a Zendesk-using service (a target without credentials): intake must not care.
  ZENDESK_URL: 'http://127.0.0.1:9',
};

describe('intake-api opens only the adapters it uses', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('serves creates while MongoDB and Kafka are unreachable and Zendesk is misconfigured', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'intake-api-'));
    dirs.push(dataDir);
    const ctx = await openServiceContext(intakeApi, { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...CLOSED });
    const { app } = await intakeApi.build(ctx);
    try {
      expect(Object.keys(ctx.adapters.describe).sort()).toEqual(['blobs', 'eventStore']);
      expect(ctx.config).not.toHaveProperty('MONGODB_URL');
      expect(ctx.config).not.toHaveProperty('ZENDESK_URL');
      const res = await app.inject({
        method: 'POST',
        url: '/api/user/log/message',
        payload: { uuid: 'u-1', udid: 'd-1', subject: 's', message: 'm', email: 'a@example.com', category: 'c' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().data.ticketId).toEqual(expect.any(String));
      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.json().data.checks).toEqual({ eventStore: 'ok', blobs: 'ok' });
    } finally {
      await app.close();
      await ctx.adapters.close();
    }
  });
});

describe('intake-api creates', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('serves a create without images, and still refuses an image that was never uploaded', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'intake-api-'));
    dirs.push(dataDir);
    const ctx = await openServiceContext(intakeApi, { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...CLOSED });
    const { app } = await intakeApi.build(ctx);
    try {
      const head = vi.spyOn(ctx.adapters.blobs, 'head');
      const body = { uuid: 'u-1', udid: 'd-1', subject: 's', message: 'm', email: 'a@example.com', category: 'c' };
      const plain = await app.inject({ method: 'POST', url: '/api/user/log/message', payload: { ...body, images: [] } });
      expect(plain.statusCode, plain.body).toBe(200);
      expect(head).not.toHaveBeenCalled();
      const image = '732bbe0a-8d29-4c8d-bb84-891e43439630.jpeg';
      const withImage = await app.inject({ method: 'POST', url: '/api/user/log/message', payload: { ...body, images: [image] } });
      expect(withImage.statusCode, withImage.body).toBe(422);
      expect(withImage.json()).toMatchObject({ error: true, detail: { code: 'TICKET.IMAGE_NOT_FOUND' } });
      expect(head).toHaveBeenCalledTimes(1);
    } finally {
      await app.close();
      await ctx.adapters.close();
    }
  });
});
