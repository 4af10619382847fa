import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FakeZendesk } from '@support-desk/feature-zendesk-sync/testing';
import { startDeskProcess, type DeskProcess } from './testing/desk-process';
import { seedCreateBody } from './testing/test-desk';

const repoRoot = resolve(import.meta.dirname, '../../..');

/** `npm start` killed (-9) right after Zendesk answered 201, before TicketSynced: the restart must not duplicate. */
describe("npm start with Zendesk: a crash between Zendesk's 201 and our TicketSynced", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-zendesk-e2e-'));
  let zendesk: FakeZendesk | undefined;
  let desk: DeskProcess | undefined;
  afterAll(async () => {
    await desk?.stop();
    await zendesk?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the Zendesk ticket exactly once and records it after the restart', async () => {
    zendesk = await FakeZendesk.start();
    const env = { DATA_DIR: dataDir, ADMIN_TOKEN: 'e2e-admin', ZENDESK_URL: zendesk.url, ZENDESK_OAUTH_TOKEN: 'e2e-oauth', ZENDESK_RETRY_BASE_MS: '50' };
    desk = await startDeskProcess(repoRoot, env);
    let crashed: Promise<void> | undefined;
    const running = desk;
    // kill -9 as Zendesk answers 201: Zendesk has the ticket, our event store never gets TicketSynced.
    zendesk.beforeCreateAnswer = async () => {
      crashed ??= running.crash();
      await crashed;
    };
    const res = await fetch(`${desk.baseUrl}/api/user/log/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(seedCreateBody),
    });
    expect(res.status).toBe(200);
    const { ticketId } = ((await res.json()) as { data: { ticketId: string } }).data;
    await vi.waitFor(() => expect(crashed, 'Zendesk never saw the create').toBeDefined(), { timeout: 10_000, interval: 50 });
    await crashed;
    zendesk.beforeCreateAnswer = undefined;
    expect(zendesk.ticketsWithExternalId(ticketId)).toHaveLength(1);

    desk = await startDeskProcess(repoRoot, env);
    const restarted = desk;
    const syncStatus = async () => {
      const found = await fetch(`${restarted.baseUrl}/api/admin/fetch/customer/support`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer e2e-admin' },
        body: JSON.stringify({ ticketId }),
      });
      return ((await found.json()) as { data: { sync: { status: string } }[] }).data[0]?.sync.status;
    };
    await expect.poll(syncStatus, { timeout: 20_000, interval: 50 }).toBe('SYNCED');
    // The restart sent the create again (same Idempotency-Key) and Zendesk answered with the first ticket.
    expect(zendesk.requestsTo('create').filter((r) => r.headers['idempotency-key'] === ticketId).length).toBeGreaterThanOrEqual(2);
    expect(zendesk.ticketsWithExternalId(ticketId)).toHaveLength(1);
  });
});
