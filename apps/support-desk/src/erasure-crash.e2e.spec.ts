import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeZendesk } from '@support-desk/feature-zendesk-sync/testing';
import { startDeskProcess, type DeskProcess } from './testing/desk-process';
import { fixtureUser, rawHits } from './testing/erasure-fixtures';
import { images } from './testing/test-desk';

const repoRoot = resolve(import.meta.dirname, '../../..');
const TOKEN = 'erasure-crash-admin-token';

/**
 * kill -9 of `npm start` in the middle of an erasure (issue 15): the Zendesk step
 * hangs on Zendesk, the process dies with the read model and blobs done, and
 * after a restart the erasure resumes from its checkpoint and completes.
 */
describe('erasure survives kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-erasure-crash-'));
  let zendesk: FakeZendesk;
  let desk: DeskProcess;
  const user = fixtureUser('c5f6a');
  const env = () => ({
    DATA_DIR: dataDir,
    ADMIN_TOKEN: TOKEN,
    ZENDESK_URL: zendesk.url,
    ZENDESK_OAUTH_TOKEN: 'oauth-test-token',
    ZENDESK_WEBHOOK_SECRET: 'webhook-secret',
    ZENDESK_RETRY_BASE_MS: '5',
    ZENDESK_RETRY_MAX_MS: '20',
    ZENDESK_TIMEOUT_MS: '120000',
    ZENDESK_REQUESTS_PER_MINUTE: '60000',
  });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${desk.baseUrl}/api${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...(init.headers as object) },
    });
  const status = async () => {
    const res = await api(`/admin/users/${user.uuid}/erasure`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: { status: string; steps: { step: string; status: string }[] } }).data;
  };

  beforeAll(async () => {
    zendesk = await FakeZendesk.start();
    desk = await startDeskProcess(repoRoot, env());
  }, 180_000);
  afterAll(async () => {
    await desk?.crash();
    await zendesk?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes after a crash mid-erasure and completes', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.concat([images.png, Buffer.from(user.email)])], { type: 'image/png' }), 'shot.png');
    const image = (
      (await (await fetch(`${desk.baseUrl}/api/common/upload/file?bucketType=LOG_IMAGE`, { method: 'POST', body: form })).json()) as { data: string }
    ).data;
    const created = await api('/user/log/message', {
      method: 'POST',
      body: JSON.stringify({
        uuid: user.uuid,
        udid: user.udid,
        email: user.email,
        phone: user.phone,
        name: user.name,
        subject: user.subject,
        message: user.message,
        category: 'cat1',
        images: [image],
      }),
    });
    expect(created.status).toBe(200);
    const { ticketId } = ((await created.json()) as { data: { ticketId: string } }).data;
    await vi.waitFor(
      async () => {
        const res = await api('/admin/fetch/customer/support', { method: 'POST', body: JSON.stringify({ ticketId }) });
        expect(((await res.json()) as { data: { sync: { status: string } }[] }).data[0]?.sync.status).toBe('SYNCED');
      },
      { timeout: 30_000, interval: 100 },
    );

    // Zendesk hangs on the erasure's first call: the Zendesk step is in flight when the process dies.
    zendesk.inject('show', { kind: 'hang' }, 1000);
    const shows = zendesk.requestsTo('show').length;
    const erase = await api(`/admin/users/${user.uuid}/erase`, { method: 'POST', body: JSON.stringify({ reason: 'crash test' }) });
    expect(erase.status).toBe(202);
    await vi.waitFor(() => expect(zendesk.requestsTo('show').length).toBeGreaterThan(shows), { timeout: 30_000, interval: 50 });
    const midway = await status();
    expect(midway.status).toBe('REQUESTED');
    expect(midway.steps.find((s) => s.step === 'zendesk')!.status).toBe('PENDING');
    // The audit line: who (the token's id, never the token), when, why.
    expect(desk.output()).toMatch(/"audit":"erasure-requested".*"requestedBy":"admin:[0-9a-f]{12}".*"reason":"crash test".*"msg":"user erasure requested"/);
    expect(desk.output()).not.toContain(TOKEN);
    await desk.crash();

    zendesk.clearFaults();
    desk = await startDeskProcess(repoRoot, env());
    await vi.waitFor(async () => expect((await status()).status).toBe('ERASED'), { timeout: 60_000, interval: 200 });
    expect((await status()).steps.every((s) => s.status === 'DONE')).toBe(true);
    expect(desk.output()).toContain('user erased: data key deleted, UserErased appended');
    const found = await api('/admin/fetch/customer/support', { method: 'POST', body: JSON.stringify({ email: user.email }) });
    expect(((await found.json()) as { data: unknown[] }).data).toEqual([]);
    expect(zendesk.dumpText()).not.toContain(user.email);
    expect(rawHits(dataDir, [user.email, user.message, user.phone])).toEqual([]);
  }, 240_000);
});
