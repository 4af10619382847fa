import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { ZendeskHttp } from './zendesk-http';
import { ZendeskError } from './zendesk-error';

/** The ticket we create: shapes of Zendesk's Tickets API ("Create Ticket"). */
export type NewZendeskTicket = {
  subject: string;
  comment: { html_body: string };
  requester: { name: string; email: string };
  external_id: string;
  tags: string[];
};

export type ZendeskTicketRef = { id: string; externalId: string | null; status: string };

const ticketShape = z.object({ id: z.union([z.number(), z.string()]), external_id: z.string().nullish(), status: z.string().nullish() });
const ticketResponse = z.object({ ticket: ticketShape });
const ticketList = z.object({ tickets: z.array(ticketShape) });
const uploadResponse = z.object({ upload: z.object({ token: z.string().min(1) }) });
const showResponse = z.object({ ticket: z.object({ requester_id: z.union([z.number(), z.string()]) }) });
const auditResponse = z.object({
  audit: z
    .object({
      created_at: z.string().nullish(),
      events: z.array(z.object({ id: z.union([z.number(), z.string()]), type: z.string() }).loose()).default([]),
    })
    .nullish(),
});

const toRef = (t: z.infer<typeof ticketShape>): ZendeskTicketRef => ({ id: String(t.id), externalId: t.external_id ?? null, status: t.status ?? 'new' });

/** The four Zendesk endpoints zendesk-sync uses; one try each (the caller retries). */
export class ZendeskClient {
  constructor(readonly http: ZendeskHttp) {}

  /** POST /api/v2/tickets with Idempotency-Key: within 2 h Zendesk answers a repeat with the first ticket. */
  async createTicket(ticket: NewZendeskTicket, idempotencyKey: string): Promise<ZendeskTicketRef & { replayed: boolean }> {
    const res = await this.http.send({ method: 'POST', path: '/api/v2/tickets', json: { ticket }, headers: { 'Idempotency-Key': idempotencyKey } });
    return { ...toRef(parse(ticketResponse, res.body, 'create ticket').ticket), replayed: res.headers.get('x-idempotency-lookup') === 'hit' };
  }

  /** GET /api/v2/tickets?external_id=: the tickets a previous attempt may have created. */
  async findTicketsByExternalId(externalId: string): Promise<ZendeskTicketRef[]> {
    const res = await this.http.send({ method: 'GET', path: `/api/v2/tickets?external_id=${encodeURIComponent(externalId)}` });
    return parse(ticketList, res.body, 'list tickets').tickets.map(toRef);
  }

  /** POST /api/v2/uploads?filename=: the raw bytes; the token goes into a comment. */
  async upload(file: { fileName: string; contentType: string; size: number; body: Readable }): Promise<string> {
    const res = await this.http.send({
      method: 'POST',
      path: `/api/v2/uploads?filename=${encodeURIComponent(file.fileName)}`,
      stream: { body: file.body, contentType: file.contentType, length: file.size },
    });
    return parse(uploadResponse, res.body, 'upload').upload.token;
  }

  /** PUT /api/v2/tickets/{id} with a private (internal) comment. */
  async addPrivateComment(zendeskTicketId: string, htmlBody: string, uploads: string[]): Promise<void> {
    const comment = { html_body: htmlBody, public: false, ...(uploads.length > 0 ? { uploads } : {}) };
    await this.http.send({ method: 'PUT', path: `/api/v2/tickets/${encodeURIComponent(zendeskTicketId)}`, json: { ticket: { comment } } });
  }
}

/** The requester of a Zendesk ticket and the two calls that post a comment as them (user replies from the app). */
export class ZendeskRequesterClient {
  constructor(private readonly http: ZendeskHttp) {}

  /** GET /api/v2/tickets/{id}: its requester's Zendesk user id. */
  async requesterId(zendeskTicketId: string): Promise<string> {
    const res = await this.http.send({ method: 'GET', path: `/api/v2/tickets/${encodeURIComponent(zendeskTicketId)}` });
    return String(parse(showResponse, res.body, 'show ticket').ticket.requester_id);
  }

  /**
   * PUT /api/v2/tickets/{id} with a public comment authored by `authorId`; the
   * comment's id comes back in the audit's Comment event (null if Zendesk gave none).
   */
  async addPublicComment(
    zendeskTicketId: string,
    body: string,
    authorId: string,
    uploads: string[],
  ): Promise<{ commentId: string | null; createdAt: number | null }> {
    const comment = { body, public: true, author_id: Number(authorId), ...(uploads.length > 0 ? { uploads } : {}) };
    const res = await this.http.send({ method: 'PUT', path: `/api/v2/tickets/${encodeURIComponent(zendeskTicketId)}`, json: { ticket: { comment } } });
    const audit = parse(auditResponse, res.body, 'update ticket').audit;
    const event = audit?.events.find((e) => e.type === 'Comment');
    const createdAt = audit?.created_at ? Date.parse(audit.created_at) : Number.NaN;
    return { commentId: event ? String(event.id) : null, createdAt: Number.isFinite(createdAt) ? createdAt : null };
  }
}

/** A 2xx we cannot read is treated like an outage: retried, then reported. */
function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new ZendeskError('unavailable', `Zendesk's answer to ${what} is not what its API documents`);
  return result.data;
}
