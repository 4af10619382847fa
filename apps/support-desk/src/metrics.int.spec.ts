import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeZendesk } from '@support-desk/feature-zendesk-sync/testing';
import { promValue } from '@support-desk/service-kit/testing';
import { seedCreateBody, startTestDesk, type TestDesk } from './testing/test-desk';

/** `npm start`'s process reports every part of the flow at /metrics: intake, store, relays, both consumers, Zendesk. */
describe('support-desk /metrics', () => {
  let zendesk: FakeZendesk;
  let desk: TestDesk;

  beforeAll(async () => {
    zendesk = await FakeZendesk.start();
    desk = await startTestDesk({ ZENDESK_URL: zendesk.url, ZENDESK_OAUTH_TOKEN: 'oauth-test-token', ZENDESK_REQUESTS_PER_MINUTE: '60000' });
  });
  afterAll(async () => {
    await desk?.close();
    await zendesk?.close();
  });

  const metrics = async () => (await desk.app.inject({ method: 'GET', url: '/metrics' })).body;

  it('after creates: appends, relays, consumer counts, Zendesk calls and backlog, HTTP latency; no ticket id or email as a label', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await desk.app.inject({ method: 'POST', url: '/api/user/log/message', payload: { ...seedCreateBody, subject: `metrics ${i}` } });
      expect(res.statusCode).toBe(200);
      ids.push(res.json().data.ticketId as string);
    }
    // Each create is followed by TicketSynced: 6 events for both groups once Zendesk answered.
    await vi.waitFor(async () => expect(promValue(await metrics(), 'bus_messages_handled_total', { group: 'zendesk-sync' })).toBe(6), { timeout: 15_000 });
    await vi.waitFor(async () => expect(promValue(await metrics(), 'bus_messages_handled_total', { group: 'query-service' })).toBe(6), { timeout: 15_000 });
    const text = await metrics();
    const at = (name: string, labels: Record<string, string> = {}) => promValue(text, name, { service: 'support-desk', ...labels });
    expect(at('eventstore_events_appended_total', { type: 'TicketRequested' })).toBe(3);
    expect(at('eventstore_events_appended_total', { type: 'TicketSynced' })).toBe(3);
    expect(at('http_request_duration_seconds_count', { route: '/api/user/log/message', method: 'POST', status_code: '200' })).toBe(3);
    expect(at('relay_published_position', { relay: 'relay' })).toBe(6);
    expect(at('relay_events_behind', { relay: 'relay' })).toBe(0);
    expect(at('relay_seconds_behind', { relay: 'relay-zendesk-sync' })).toBe(0);
    expect(at('bus_consumer_lag_messages', { group: 'query-service', partition: 'all' })).toBe(0);
    expect(at('bus_messages_failed_total', { group: 'zendesk-sync' })).toBe(0);
    expect(at('zendesk_requests_total', { method: 'POST', endpoint: '/api/v2/tickets', status: '201' })).toBe(3);
    expect(at('zendesk_sync_tickets', { status: 'FAILED' })).toBe(0);
    expect(at('zendesk_limiter_queue_length')).toBe(0);
    // One write per projection batch (the in-process bus hands the projection what is queued): 1 to 6 for 6 events.
    expect(at('readmodel_write_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(at('readmodel_write_duration_seconds_count')).toBeLessThanOrEqual(6);
    expect(at('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    expect(at('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    for (const id of ids) expect(text).not.toContain(id);
    expect(text).not.toContain(seedCreateBody.email);
  });
});
