import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceContext, type RunningService } from '@support-desk/composition-root';
import { ConfigError, mintUserToken } from '@support-desk/service-kit';
import { TicketCommandHandler } from '@support-desk/ticket-commands';
import { queryService } from './app';

const SECRET = 'user-jwt-secret-for-tests-0123456789';
const USER = '33333333-cccc-4ccc-8ccc-333333333333';

/**
 * query-service alone with USER_AUTH=jwt: the ticket and the reply are appended
 * to the store as intake-api would; query-service's projection (fed by its own
 * relay, no Kafka here) lists it and its stream gives the conversation.
 */
describe('query-service: the user ticket reads', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'user-tickets-query-'));
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', USER_AUTH: 'jwt', USER_JWT_SECRET: SECRET, ADMIN_TOKEN: 'admin-token-for-tests' };
  let query: RunningService;
  let tickets: TicketCommandHandler;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const ctx = await openServiceContext(queryService, env);
    query = await queryService.build(ctx);
    await query.app.ready();
    await query.start?.();
    tickets = new TicketCommandHandler(ctx.adapters.eventStore);
    close = async () => {
      await query.app.close();
      await query.stop?.();
      await ctx.adapters.close();
    };
  });
  afterAll(async () => {
    await close?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("lists the user's ticket and shows the conversation; nothing without a token", async () => {
    const auth = { authorization: `Bearer ${await mintUserToken({ secret: SECRET, sub: USER })}` };
    const fields = {
      uuid: USER,
      udid: 'D-1',
      subject: 'Crash',
      message: 'On start',
      email: 'a@example.com',
      name: null,
      category: 'App Crash',
      phone: null,
      images: [],
    };
    const ticket = await tickets.requestTicket(fields, { now: Date.now(), newTicketId: () => crypto.randomUUID() });
    await tickets.handle(ticket.recordId, {
      type: 'ReplyToTicket',
      data: { recordId: ticket.recordId, replyId: 'rep-1', uuid: USER, body: 'Still crashing', images: [], now: Date.now() },
    });

    await expect
      .poll(
        async () =>
          (await query.app.inject({ method: 'GET', url: '/api/user/tickets', headers: auth })).json().data?.items?.map((i: { ticketId: string }) => i.ticketId),
        { timeout: 5000 },
      )
      .toEqual([ticket.ticketId]);
    const detail = await query.app.inject({ method: 'GET', url: `/api/user/tickets/${ticket.ticketId}`, headers: auth });
    expect(detail.json().data.conversation).toMatchObject([{ id: 'rep-1', author: 'USER', body: 'Still crashing', delivered: false }]);
    expect((await query.app.inject({ method: 'GET', url: '/api/user/tickets' })).statusCode).toBe(401);
  });

  it('USER_AUTH=jwt without a key is a start-up error that names the setting', async () => {
    await expect(openServiceContext(queryService, { DATA_DIR: dataDir, LOG_LEVEL: 'silent', USER_AUTH: 'jwt' })).rejects.toThrow(ConfigError);
    await expect(openServiceContext(queryService, { DATA_DIR: dataDir, LOG_LEVEL: 'silent', USER_AUTH: 'jwt' })).rejects.toThrow(/USER_JWT_JWKS_URL/);
  });
});
