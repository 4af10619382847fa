import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeZendesk } from '@support-desk/feature-zendesk-sync/testing';
import { gradientPng } from './testing/png';
import { ADMIN_TOKEN, seedCreateBody, startTestDesk, type TestDesk } from './testing/test-desk';

/**
 * The admin console in a real browser (headless Chromium driven by playwright-core)
 * against the whole system listening on 127.0.0.1, with a fake Zendesk: sign-in,
 * search, ticket detail, history, retry sync, session end, and the layout at 375 px
 * and 1280 px (screenshots in a temp dir, printed). Controls are found by their
 * labels and roles, as assistive technology finds them.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skipReason = existsSync(CHROMIUM) ? null : `admin console e2e skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (skipReason) console.warn(skipReason);

// The network is closed: without these Chromium keeps trying to reach Google's services.
// (playwright gives every launch a fresh temporary --user-data-dir itself.)
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ui = { timeout: 10_000 };
const settle = { timeout: 20_000, interval: 50 };

type TicketRecord = {
  id: string;
  ticketId: string;
  ticketInfo: { subject: string; supportTicketId: string | null; images: string[] };
  sync: { status: string; reason: string | null };
};

describe.skipIf(Boolean(skipReason))('admin console in headless Chromium', () => {
  let zendesk: FakeZendesk;
  let desk: TestDesk;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shots = process.env.ADMIN_CONSOLE_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'admin-console-shots-'));
  const problems: string[] = [];

  const logBytes = Buffer.from(Array.from({ length: 400 }, (_, i) => `2026-01-05T10:00:${String(i % 60).padStart(2, '0')}Z app[42]: step ${i} ok\n`).join(''));
  const logKiB = `${Math.round(logBytes.length / 1024)} KiB`; // over 10 KiB: no decimals
  const photo = gradientPng(320, 200, [180, 60, 40]);
  const main = {
    ...seedCreateBody,
    uuid: 'user-ada-0001',
    udid: 'A1B2C3D4-0000-4000-8000-00000000ADA1',
    subject: 'App crashes when I attach a photo',
    message: 'Steps:\n1. Open the app\n2. Attach a photo from the gallery\nThe app closes at once.',
    email: 'ada.lovelace@example.com',
    name: 'Ada Lovelace',
    phone: '+44 20 7946 0958',
    category: 'crash',
  };
  let mainRecord: TicketRecord;
  let failing: TicketRecord;
  let newest: TicketRecord;

  const api = (path: string, init: RequestInit = {}) => fetch(`${base}/api${path}`, init);
  const admin = (init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as object), authorization: `Bearer ${ADMIN_TOKEN}` } });
  const upload = async (path: string, bytes: Buffer, name: string, type: string) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const res = await api(path, { method: 'POST', body: form });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { data: unknown }).data;
  };
  const create = async (body: object): Promise<TicketRecord> => {
    const res = await api('/user/log/message', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { data: TicketRecord }).data;
  };
  const recordOf = async (ticketId: string): Promise<TicketRecord> =>
    ((await (await api(`/admin/tickets/${ticketId}`, admin())).json()) as { data: TicketRecord }).data;
  const syncStatusOf = async (ticketId: string) => (await recordOf(ticketId)).sync.status;

  beforeAll(async () => {
    zendesk = await FakeZendesk.start();
    desk = await startTestDesk({
      ZENDESK_URL: zendesk.url,
      ZENDESK_OAUTH_TOKEN: 'oauth-test-token',
      ZENDESK_MAX_ATTEMPTS: '1',
      ZENDESK_TIMEOUT_MS: '2000',
      ZENDESK_REQUESTS_PER_MINUTE: '60000',
    });
    base = await desk.app.listen({ host: '127.0.0.1', port: 0 });

    // Seeded through the API, as the mobile app would.
    const images = [(await upload('/common/upload/file?bucketType=LOG_IMAGE', gradientPng(240, 160), 'screen-1.png', 'image/png')) as string];
    images.push((await upload('/common/upload/file?bucketType=LOG_IMAGE', gradientPng(160, 240, [30, 120, 60]), 'screen-2.png', 'image/png')) as string);
    mainRecord = await create({ ...main, images });
    await upload(`/user/help/file/upload/${mainRecord.id}/LOG`, logBytes, 'device.log', 'text/plain');
    await upload(`/user/help/file/upload/${mainRecord.id}/FEEDBACK_PHOTO`, photo, 'photo.png', 'image/png');
    for (const [i, who] of ['grace', 'alan', 'edsger'].entries()) {
      await create({
        ...seedCreateBody,
        uuid: `user-${who}`,
        email: `${who}@example.com`,
        subject: `Billing question ${i + 1}`,
        message: 'Charged twice this month.',
        category: 'billing',
        images: [],
      });
    }
    for (let i = 1; i <= 21; i++) {
      await create({
        ...seedCreateBody,
        uuid: 'user-bulk',
        email: 'bulk@example.com',
        subject: `Bulk ticket ${i}`,
        message: 'Generated for paging.',
        category: 'bulk',
        images: [],
      });
    }
    // Everything synced first, so the fault below hits only the ticket meant to fail.
    await vi.waitFor(async () => {
      const res = await api(
        '/admin/fetch/customer/support?pageSize=100',
        admin({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      );
      const records = ((await res.json()) as { data: TicketRecord[] }).data;
      expect(records).toHaveLength(25);
      expect(records.filter((r) => r.sync.status !== 'SYNCED')).toEqual([]);
    }, settle);
    mainRecord = await recordOf(mainRecord.ticketId);
    zendesk.inject('create', { kind: 'status', status: 503 });
    failing = await create({
      ...seedCreateBody,
      uuid: 'user-grace',
      email: 'grace.hopper@example.com',
      subject: 'Cannot sign in with my email',
      message: 'The code never arrives.',
      category: 'login',
      images: [],
    });
    await vi.waitFor(async () => expect(await syncStatusOf(failing.ticketId)).toBe('FAILED'), settle);
    newest = failing;

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    context.setDefaultTimeout(ui.timeout);
    page = await context.newPage();
    watch(page);
    console.log(`admin console screenshots: ${shots}`);
  });

  afterAll(async () => {
    await browser?.close();
    await desk?.close();
    await zendesk?.close();
  });

  /** Any Content-Security-Policy refusal or uncaught error in the page fails the last test. */
  function watch(p: Page): void {
    p.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    p.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
    });
  }

  // vitest's expect knows no locators: these wait for what the page shows, like web-first assertions.
  const textOf = (l: Locator) => () => l.textContent();
  const shows = (l: Locator) => l.first().waitFor({ state: 'visible', ...ui });
  const hasText = (l: Locator, text: string) => expect.poll(async () => (await l.textContent())?.trim(), ui).toBe(text);
  const containsText = (l: Locator, text: string) => expect.poll(textOf(l), ui).toContain(text);
  const hasCount = (l: Locator, n: number) => expect.poll(() => l.count(), ui).toBe(n);
  const hasAttribute = (l: Locator, name: string, value: string) => expect.poll(() => l.getAttribute(name), ui).toBe(value);
  const field = (label: string) => page.getByLabel(label, { exact: true });
  const button = (name: string | RegExp) => page.getByRole('button', typeof name === 'string' ? { name, exact: true } : { name });
  const heading1 = () => page.getByRole('heading', { level: 1 });
  const resultRows = () =>
    page
      .getByRole('table')
      .getByRole('row')
      .filter({ has: page.getByRole('cell') });
  async function signIn(p: Page = page): Promise<void> {
    await p.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN);
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => p.getByRole('heading', { level: 1 }).textContent(), ui).not.toBe('Sign in');
  }
  async function search(fields: [label: string, value: string][]): Promise<void> {
    await page.goto(`${base}/admin/`);
    for (const [label, value] of fields) {
      const control = field(label);
      if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(value);
      else await control.fill(value);
    }
    await button('Search').click();
    await shows(page.locator('section.results:not([aria-busy])'));
  }
  const subjects = () => resultRows().getByRole('link').allTextContents();

  it('refuses a wrong token, then signs in; the token stays out of the URL and localStorage', async () => {
    await page.goto(`${base}/admin`);
    await hasText(heading1(), 'Sign in');
    await field('Admin token').fill('not-the-token');
    await button('Sign in').click();
    await hasText(page.getByRole('alert'), 'That admin token is not valid.');
    await hasAttribute(field('Admin token'), 'aria-invalid', 'true');

    await field('Admin token').fill(ADMIN_TOKEN);
    await button('Sign in').click();
    await hasText(heading1(), 'Tickets');
    expect(page.url()).not.toContain(ADMIN_TOKEN);
    expect(await page.evaluate('JSON.stringify(Object.keys(localStorage))')).toBe('[]');
    expect(await page.evaluate("sessionStorage.getItem('support-desk.admin-token')")).toBe(ADMIN_TOKEN);
  });

  it('lists the newest tickets first in a table with the promised columns', async () => {
    await shows(resultRows().first());
    const headers = await page.getByRole('columnheader').allTextContents();
    expect(headers).toEqual(['Created', 'Subject', 'Email', 'Ticket ID', 'Zendesk ID', 'Sync status', 'Files']);
    expect(await resultRows().count()).toBe(20);
    expect((await subjects())[0]).toBe(newest.ticketInfo.subject);
    expect((await subjects())[1]).toBe('Bulk ticket 21');
    await shows(page.getByRole('status').filter({ hasText: /26 tickets|tickets on page 1/ }));
  });

  it('finds a ticket by each seed field, each a labelled input; the URL holds the search', async () => {
    const zendeskId = mainRecord.ticketInfo.supportTicketId!;
    expect(zendeskId).toMatch(/^\d+$/);
    const cases: [string, string, string][] = [
      ['User UUID', main.uuid, 'uuid'],
      ['Device UDID', main.udid.toLowerCase(), 'udid'],
      ['Email', main.email.toUpperCase(), 'email'],
      ['Phone', '442079460958', 'phone'],
      ['Ticket ID', mainRecord.ticketId, 'ticketId'],
      ['Zendesk ticket ID', zendeskId, 'zendeskTicketId'],
    ];
    for (const [label, value, param] of cases) {
      await search([[label, value]]);
      expect(await subjects(), label).toEqual([main.subject]);
      expect(new URL(page.url()).searchParams.get(param), label).toBe(value);
      await hasText(resultRows().first().getByRole('cell').nth(4), zendeskId);
      await hasText(resultRows().first().getByRole('cell').nth(5), 'SYNCED');
      await hasText(resultRows().first().getByRole('cell').nth(6), 'log, photo, 2 images');
    }
    // The URL alone brings the same search back (a bookmark, a shared link).
    await page.reload();
    await expect.poll(() => field('Zendesk ticket ID').inputValue(), ui).toBe(zendeskId);
    await expect.poll(subjects, ui).toEqual([main.subject]);
  });

  it('says so when nothing matches, and refuses an impossible date range before asking', async () => {
    await search([['Email', 'nobody@example.com']]);
    await shows(page.getByRole('status').filter({ hasText: 'No tickets match this search.' }));
    await hasCount(page.getByRole('table'), 0);
    await page.goto(`${base}/admin/?createdFrom=2026-02-02&createdTo=2026-02-01`);
    await containsText(page.getByRole('alert'), '"Created from" is after "Created to"');
  });

  it('opens a ticket by keyboard and shows every field, previews, the log with its size, ids to copy and the Zendesk link', async () => {
    await search([['Email', main.email]]);
    await page.getByRole('link', { name: main.subject }).focus();
    await page.keyboard.press('Enter');
    await hasText(heading1(), main.subject);
    expect(new URL(page.url()).pathname).toBe(`/admin/tickets/${mainRecord.ticketId}`);
    expect(await page.evaluate('document.activeElement.tagName')).toBe('H1');

    const details = page.locator('main');
    for (const text of [
      main.email,
      main.phone,
      main.name,
      main.category,
      main.uuid,
      main.udid,
      mainRecord.id,
      mainRecord.ticketId,
      'Attach a photo from the gallery',
      'CREATED',
    ]) {
      await containsText(details, text);
    }
    await containsText(page.getByRole('region', { name: 'Zendesk' }), 'SYNCED');

    const openInZendesk = page.getByRole('link', { name: 'Open in Zendesk' });
    await hasAttribute(openInZendesk, 'href', `${zendesk.url}/agent/tickets/${mainRecord.ticketInfo.supportTicketId}`);
    await hasAttribute(openInZendesk, 'target', '_blank');

    for (const name of ['Feedback photo', ...mainRecord.ticketInfo.images.map((i) => `Image ${i}`)]) {
      const img = page.getByRole('img', { name, exact: true });
      await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth), ui).toBeGreaterThan(0);
      expect(await img.getAttribute('src')).toMatch(/^blob:/);
    }

    const download = button(/^Download log \(/);
    await hasText(download, `Download log (${logKiB})`);
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).toBe('device.log');
    expect(readFileSync(await file.path()).equals(logBytes)).toBe(true);

    await button('Copy ticket ID').click();
    await shows(page.getByRole('status').filter({ hasText: 'Ticket ID copied.' }));
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(mainRecord.ticketId);
    for (const name of ['Copy record ID', 'Copy Zendesk ticket ID', 'Copy user UUID', 'Copy device UDID']) await shows(button(name));
  });

  it("shows the ticket's history in stream order: type, time, revision, what changed", async () => {
    const events = ((await (await api(`/admin/tickets/${mainRecord.ticketId}/events`, admin())).json()) as { data: { type: string; revision: number }[] }).data;
    expect(events.length).toBeGreaterThanOrEqual(4);
    const timeline = page.getByRole('list', { name: /events, oldest first/ });
    await hasCount(timeline.getByRole('listitem'), events.length);
    expect(await timeline.locator('.event-type').allTextContents()).toEqual(events.map((e) => e.type));
    const first = timeline.getByRole('listitem').first();
    await containsText(first, 'Ticket requested');
    await containsText(first, 'revision 0');
    await containsText(first, main.email);
    await containsText(first, main.phone);
    await shows(first.getByRole('term').filter({ hasText: 'Subject' }));
    const log = timeline.getByRole('listitem').filter({ hasText: 'Log uploaded' });
    await containsText(log, 'device.log');
    await containsText(log, logKiB);
    await containsText(timeline.getByRole('listitem').filter({ hasText: 'Synced to Zendesk' }), mainRecord.ticketInfo.supportTicketId!);
  });

  it('is readable at 375 px wide and on a desktop (screenshots)', async () => {
    for (const [width, height] of [
      [375, 812],
      [1280, 900],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.goto(`${base}/admin/`);
      await shows(resultRows().first());
      await page.screenshot({ path: join(shots, `search-${width}.png`), fullPage: true });
      // A screenful each of the form and of the results, at the size a person sees them.
      await page.screenshot({ path: join(shots, `search-${width}-form.png`) });
      const results = (await page.getByRole('heading', { name: 'Results' }).boundingBox())!;
      await page.screenshot({ path: join(shots, `search-${width}-results.png`), fullPage: true, clip: { x: 0, y: results.y - 8, width, height } });
      expect(await page.evaluate('document.documentElement.scrollWidth'), `search at ${width}`).toBeLessThanOrEqual(width);

      await page.goto(`${base}/admin/tickets/${mainRecord.ticketId}`);
      await shows(page.getByRole('list', { name: /events, oldest first/ }));
      await expect
        .poll(() => page.getByRole('img', { name: 'Feedback photo' }).evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth), ui)
        .toBeGreaterThan(0);
      await page.screenshot({ path: join(shots, `ticket-${width}.png`), fullPage: true });
      await page.screenshot({ path: join(shots, `ticket-${width}-top.png`) });
      await page.getByRole('region', { name: 'Files' }).screenshot({ path: join(shots, `ticket-${width}-files.png`) });
      await page.getByRole('region', { name: 'History' }).screenshot({ path: join(shots, `ticket-${width}-history.png`) });
      expect(await page.evaluate('document.documentElement.scrollWidth'), `ticket at ${width}`).toBeLessThanOrEqual(width);
    }
    await page.goto(`${base}/admin/tickets/${failing.ticketId}`);
    await shows(button('Retry sync'));
    await page.screenshot({ path: join(shots, 'ticket-failed-1280.png'), fullPage: true });
  });

  it('shows a missing ticket as not found', async () => {
    await page.goto(`${base}/admin/tickets/00000000-0000-4000-8000-000000000000`);
    await hasText(heading1(), 'Ticket not found');
    await containsText(page.getByRole('alert'), 'No ticket has the id 00000000-0000-4000-8000-000000000000');
  });

  describe('with the search API’s free text, filters and cursor paging (the other half of issue 14)', () => {
    it('narrows by text in subject or message, sync status, category, ticket status and created days', async () => {
      await search([['Text in subject or message', 'gallery']]);
      expect(await subjects()).toEqual([main.subject]);
      expect(new URL(page.url()).searchParams.get('q')).toBe('gallery');

      await search([
        ['Sync status', 'FAILED'],
        ['Category', 'login'],
      ]);
      expect(await subjects()).toEqual([failing.ticketInfo.subject]);

      await search([['Category', 'billing']]);
      expect(await subjects()).toEqual(['Billing question 3', 'Billing question 2', 'Billing question 1']);

      const today = new Date().toISOString().slice(0, 10);
      await search([
        ['Created from', today],
        ['Created to', today],
        ['Ticket status', 'CREATED'],
        ['Category', 'billing'],
      ]);
      expect(await resultRows().count()).toBe(3);
      await search([
        ['Ticket status', 'SOLVED'],
        ['Category', 'billing'],
      ]);
      await shows(page.getByRole('status').filter({ hasText: 'No tickets match this search.' }));
    });

    it('pages with the cursor: next, previous (the browser history) and first', async () => {
      await search([['Email', 'bulk@example.com']]);
      expect(await resultRows().count()).toBe(20);
      expect((await subjects())[0]).toBe('Bulk ticket 21');
      await button('Next page').click();
      await expect.poll(subjects, ui).toEqual(['Bulk ticket 1']);
      expect(new URL(page.url()).searchParams.get('cursor')).toBeTruthy();
      await hasCount(button('Next page'), 0);
      await button('Previous page').click();
      await expect.poll(async () => (await subjects()).length, ui).toBe(20);
      expect(new URL(page.url()).searchParams.get('cursor')).toBeNull();
      await button('Next page').click();
      await expect.poll(subjects, ui).toEqual(['Bulk ticket 1']);
      await button('First page').click();
      await expect.poll(async () => (await subjects())[0], ui).toBe('Bulk ticket 21');
      expect(new URL(page.url()).searchParams.get('cursor')).toBeNull();
      expect(new URL(page.url()).searchParams.get('email')).toBe('bulk@example.com');
    });
  });

  it('retries the sync of a FAILED ticket and shows the outcome and the new history', async () => {
    await search([['Ticket ID', failing.ticketId]]);
    await resultRows().first().getByRole('cell').first().click(); // the row itself opens the ticket
    await hasText(heading1(), failing.ticketInfo.subject);
    const zendeskPanel = page.getByRole('region', { name: 'Zendesk' });
    await containsText(zendeskPanel, 'FAILED');
    await containsText(zendeskPanel, '503');
    await button('Retry sync').click();
    await shows(page.getByRole('status').filter({ hasText: 'Ticket is in Zendesk' }));
    await containsText(zendeskPanel, 'SYNCED');
    await hasCount(button('Retry sync'), 0);
    const synced = await recordOf(failing.ticketId);
    await hasAttribute(page.getByRole('link', { name: 'Open in Zendesk' }), 'href', `${zendesk.url}/agent/tickets/${synced.ticketInfo.supportTicketId}`);
    const types = await page
      .getByRole('list', { name: /events, oldest first/ })
      .locator('.event-type')
      .allTextContents();
    expect(types.slice(-2)).toEqual(['TicketSyncFailed', 'TicketSynced']);
    expect(zendesk.ticketsWithExternalId(failing.ticketId)).toHaveLength(1);
  });

  it('keeps the session over a reload; a token the server no longer takes sends the admin to sign in, and the deep link survives', async () => {
    const url = `${base}/admin/tickets/${mainRecord.ticketId}`;
    await page.goto(url);
    await page.reload();
    await hasText(heading1(), main.subject);

    // As if the token had been removed from ADMIN_TOKEN: the server answers 403.
    await page.evaluate("sessionStorage.setItem('support-desk.admin-token', 'a-removed-token')");
    await page.reload();
    await hasText(heading1(), 'Sign in');
    await shows(page.getByRole('status').filter({ hasText: 'no longer accepted' }));
    expect(await page.evaluate("sessionStorage.getItem('support-desk.admin-token')")).toBeNull();
    expect(page.url()).toBe(url);
    await signIn();
    await hasText(heading1(), main.subject);
  });

  it('signs out and forgets the token; a new tab must sign in', async () => {
    await button('Sign out').click();
    await hasText(heading1(), 'Sign in');
    await shows(page.getByRole('status').filter({ hasText: 'You are signed out' }));
    expect(await page.evaluate("sessionStorage.getItem('support-desk.admin-token')")).toBeNull();
    await page.reload();
    await hasText(heading1(), 'Sign in');

    const other = await context.newPage();
    watch(other);
    await other.goto(`${base}/admin/?email=${encodeURIComponent(main.email)}`);
    await hasText(other.getByRole('heading', { level: 1 }), 'Sign in');
    await signIn(other);
    await expect.poll(() => other.getByRole('table').getByRole('link').allTextContents(), ui).toEqual([main.subject]);
    await other.close();
  });

  it('ran without a Content-Security-Policy refusal or an uncaught error', () => {
    expect(problems).toEqual([]);
  });
});
