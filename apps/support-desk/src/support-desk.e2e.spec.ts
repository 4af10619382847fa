import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskProcess, type DeskProcess } from './testing/desk-process';
import { images, seedCreateBody } from './testing/test-desk';

const repoRoot = resolve(import.meta.dirname, '../../..');

/** The contract's flow over real HTTP against `npm start`, then again after a restart. */
describe('npm start: the whole API on embedded defaults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-e2e-'));
  let desk: DeskProcess;
  let token: string;
  const logBytes = randomBytes(200_000);
  const photoBytes = Buffer.concat([images.jpeg, randomBytes(50_000)]);
  let record: { id: string; ticketId: string };

  const api = (path: string, init?: RequestInit) => fetch(`${desk.baseUrl}/api${path}`, init);
  const asAdmin = (init: RequestInit = {}) => ({ ...init, headers: { ...(init.headers as object), authorization: `Bearer ${token}` } });
  const upload = (path: string, bytes: Buffer, name: string, type: string) => {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), name);
    return api(path, { method: 'POST', body: form });
  };
  const search = async (filter: Record<string, string>) => {
    const res = await api(
      '/admin/fetch/customer/support',
      asAdmin({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(filter) }),
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: { id: string }[] }).data.map((r) => r.id);
  };
  const download = async (fileType: string) => {
    const res = await api(`/aws/download/support/file/${record.ticketId}/${fileType}`, asAdmin());
    expect(res.status).toBe(200);
    return { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
  };

  beforeAll(async () => {
    desk = await startDeskProcess(repoRoot, { DATA_DIR: dataDir, ADMIN_TOKEN: '' });
    token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    expect(desk.output()).toContain(token);
  });
  afterAll(async () => {
    await desk?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the contract flow: image, create, log, photo, search, download', async () => {
    const image = await upload('/common/upload/file?bucketType=LOG_IMAGE', images.png, 'screen.png', 'image/png');
    expect(image.status).toBe(200);
    const imageName = ((await image.json()) as { data: string }).data;

    const created = await api('/user/log/message', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...seedCreateBody, images: [imageName] }),
    });
    expect(created.status).toBe(200);
    record = ((await created.json()) as { data: typeof record }).data;

    expect((await upload(`/user/help/file/upload/${record.id}/LOG`, logBytes, 'device.log', 'text/plain')).status).toBe(200);
    const photo = await upload(`/user/help/file/upload/${record.id}/FEEDBACK_PHOTO`, photoBytes, 'photo.jpg', 'image/jpeg');
    expect(photo.status).toBe(200);
    const withFiles = ((await photo.json()) as { data: { logPath: string; feedbackPhoto: string } }).data;
    expect(withFiles.logPath).toContain(`/api/aws/download/support/file/${record.ticketId}/LOG`);
    expect(withFiles.feedbackPhoto).toContain(`/api/aws/download/support/file/${record.ticketId}/FEEDBACK_PHOTO`);

    await expectFindable();
    expect((await download('LOG')).bytes.equals(logBytes)).toBe(true);
    const got = await download('FEEDBACK_PHOTO');
    expect(got.bytes.equals(photoBytes)).toBe(true);
    expect(got.type).toBe('image/jpeg');
  });

  it('finds everything again after a restart', async () => {
    await desk.stop();
    expect(desk.output()).toContain('shut down cleanly');
    desk = await startDeskProcess(repoRoot, { DATA_DIR: dataDir, ADMIN_TOKEN: '' });
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(token);
    await expectFindable();
    expect((await download('LOG')).bytes.equals(logBytes)).toBe(true);
    expect((await download('FEEDBACK_PHOTO')).bytes.equals(photoBytes)).toBe(true);
    expect(await search({ uuid: seedCreateBody.uuid })).toEqual([record.id]);
  });

  it('serves the admin console from the bundle: the page, its hashed script and the ticket routes it calls', async () => {
    const page = await fetch(`${desk.baseUrl}/admin/tickets/${record.ticketId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = /src="(\/admin\/assets\/app-[A-Z0-9]{8}\.js)"/.exec(await page.text())?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${desk.baseUrl}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    const detail = await api(`/admin/tickets/${record.ticketId}`, asAdmin());
    expect(((await detail.json()) as { data: { id: string } }).data.id).toBe(record.id);
    const events = await api(`/admin/tickets/${record.ticketId}/events`, asAdmin());
    expect(((await events.json()) as { data: { type: string }[] }).data.map((e) => e.type)).toEqual([
      'TicketRequested',
      'SupportFileUploaded',
      'SupportFileUploaded',
    ]);
  });

  async function expectFindable() {
    const filters: Record<string, string>[] = [
      { uuid: seedCreateBody.uuid },
      { udid: seedCreateBody.udid },
      { email: seedCreateBody.email },
      { phone: seedCreateBody.phone },
      { ticketId: record.ticketId },
      {
        uuid: seedCreateBody.uuid,
        udid: seedCreateBody.udid,
        email: seedCreateBody.email,
        phone: seedCreateBody.phone,
        ticketId: record.ticketId,
        zendeskTicketId: '',
      },
    ];
    for (const filter of filters) {
      await expect.poll(() => search(filter), { timeout: 5_000, interval: 50, message: JSON.stringify(filter) }).toEqual([record.id]);
    }
  }
});
