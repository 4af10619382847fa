import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Zendesk of our own on 127.0.0.1 for tests: the endpoints zendesk-sync uses,
 * answering with the shapes of Zendesk's API reference (Tickets, Attachments,
 * idempotency, rate limits), recording every request, with faults on demand.
 * Like Zendesk, it does NOT make external_id unique: a duplicate shows.
 *
 * Erasure (issue 15), as Zendesk's Tickets, Deleted Tickets, Users and Deleted
 * Users APIs describe it: a requester is an end user found or created by email
 * (one user per address, as in Zendesk); a deleted ticket is soft-deleted
 * (404 to show and update, restorable) until permanently deleted, which takes
 * its comments and attachments; an end user cannot be deleted while they are
 * the requester of a ticket that is not closed (422), and is permanently
 * deleted only once soft-deleted. `dump()` is the whole state, for tests that
 * search it for a person's strings (the request log, a test aid Zendesk does
 * not have, is not part of it).
 */
export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
  /** What the server answered (or 'hang' / 'drop'). */
  outcome: number | 'hang' | 'drop';
  answeredAt?: number;
};

export type FakeTicket = {
  id: number;
  external_id: string | null;
  subject: string;
  status: string;
  tags: string[];
  requester: { name?: string; email: string };
  /** The requester's Zendesk user id (made up per ticket here). */
  requester_id: number;
  /** `html_body` as sent (our HTML comments) or the plain `body` (user replies); `author_id` when the request named one. */
  comments: { id: number; html_body: string; public: boolean; uploads: string[]; author_id?: number }[];
  created_at: string;
  updated_at: string;
};

export type FakeUser = { id: number; name: string; email: string; role: 'end-user'; active: boolean; created_at: string };

export type Endpoint =
  | 'create'
  | 'lookup'
  | 'upload'
  | 'update'
  | 'show'
  | 'delete-ticket'
  | 'restore-ticket'
  | 'delete-ticket-permanently'
  | 'delete-user'
  | 'delete-user-permanently';

/** Everything the fake Zendesk holds (see dump). */
export type FakeZendeskState = {
  tickets: FakeTicket[];
  deletedTickets: FakeTicket[];
  users: FakeUser[];
  deletedUsers: FakeUser[];
  /** What Zendesk keeps of a permanently deleted user: the id, named "Permanently Deleted User". */
  permanentlyDeletedUsers: { id: number; name: string }[];
  uploads: Upload[];
};

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Accept the request, never answer (the client's timeout fires). */
  | { kind: 'hang' }
  /** Do the work (e.g. create the ticket), then cut the connection: the client never learns it worked. */
  | { kind: 'drop-after-apply' };

type Upload = { token: string; fileName: string; contentType: string; size: number; sha256: string };

const IDEMPOTENCY_WINDOW_MS = 2 * 60 * 60 * 1000;

export class FakeZendesk {
  readonly requests: RecordedRequest[] = [];
  readonly tickets = new Map<number, FakeTicket>();
  readonly uploads = new Map<string, Upload>();
  /** Soft-deleted tickets (DELETE /api/v2/tickets/{id}), until permanently deleted. */
  readonly deletedTickets = new Map<number, FakeTicket>();
  /** End users, found or created by email when a ticket names its requester. */
  readonly users = new Map<number, FakeUser>();
  /** Soft-deleted users (DELETE /api/v2/users/{id}), until permanently deleted. */
  readonly deletedUsers = new Map<number, FakeUser>();
  readonly permanentlyDeletedUsers = new Set<number>();
  /** File names Zendesk refuses (account setting / type): 422 like the real one. */
  refuseFileNames: RegExp = /\.log$/i;
  maxUploadBytes = 50 * 1024 * 1024;
  /** Called once the 201 of a create has been written. */
  onTicketCreated?: (ticket: FakeTicket) => void;
  /**
   * Awaited after a ticket is created, just before its 201 goes out: a test can
   * kill zendesk-sync here, so it dies exactly as Zendesk answers (deterministically).
   */
  beforeCreateAnswer?: (ticket: FakeTicket) => Promise<void> | void;

  private readonly faults: { endpoint: Endpoint; fault: Fault }[] = [];
  private readonly idempotency = new Map<string, { hash: string; status: number; body: string; at: number }>();
  private readonly hanging = new Set<ServerResponse>();
  private nextId = 1000;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeZendesk> {
    const server = createServer();
    const fake = new FakeZendesk(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `times` requests to `endpoint` get `fault`, in the order injected. */
  inject(endpoint: Endpoint, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ endpoint, fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** As if more than 2 hours had passed: Zendesk no longer knows earlier Idempotency-Keys. */
  forgetIdempotencyKeys(): void {
    this.idempotency.clear();
  }

  ticketsWithExternalId(externalId: string): FakeTicket[] {
    return [...this.tickets.values()].filter((t) => t.external_id === externalId);
  }

  /** A deep copy of the whole state: tickets and their comments, users, deleted ones, uploads. */
  dump(): FakeZendeskState {
    return structuredClone({
      tickets: [...this.tickets.values()],
      deletedTickets: [...this.deletedTickets.values()],
      users: [...this.users.values()],
      deletedUsers: [...this.deletedUsers.values()],
      permanentlyDeletedUsers: [...this.permanentlyDeletedUsers].map((id) => ({ id, name: 'Permanently Deleted User' })),
      uploads: [...this.uploads.values()],
    });
  }

  /** The dump as one string, for `expect(fake.dumpText()).not.toContain(email)`. */
  dumpText(): string {
    return JSON.stringify(this.dump());
  }

  requestsTo(endpoint: Endpoint): RecordedRequest[] {
    return this.requests.filter((r) => endpointOf(r.method, r.path, r.query) === endpoint);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.alloc(0),
      at: Date.now(),
      outcome: 0,
    };
    this.requests.push(record);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    record.body = Buffer.concat(chunks);
    const endpoint = endpointOf(record.method, record.path, record.query);
    const faultAt = endpoint ? this.faults.findIndex((f) => f.endpoint === endpoint) : -1;
    const fault = faultAt >= 0 ? this.faults.splice(faultAt, 1)[0]!.fault : undefined;

    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.outcome = status;
      record.answeredAt = Date.now();
      if (res.destroyed) return;
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Rate-Limit': '700', 'X-Rate-Limit-Remaining': '699', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (fault?.kind === 'hang') {
      record.outcome = 'hang';
      this.hanging.add(res);
      return;
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {};
      const body =
        fault.status === 429 ? 'Too Many Requests' : { error: fault.status >= 500 ? 'InternalError' : 'Error', description: `injected ${fault.status}` };
      return reply(fault.status, body, headers);
    }
    if (!/^(Bearer \S+|Basic \S+)$/.test(req.headers.authorization ?? '')) {
      return reply(401, { error: "Couldn't authenticate you" });
    }
    const drop = fault?.kind === 'drop-after-apply';
    const send = drop
      ? () => {
          record.outcome = 'drop';
          res.destroy();
        }
      : undefined;
    switch (endpoint) {
      case 'create':
        return this.createTicket(record, reply, send);
      case 'lookup':
        return reply(200, {
          tickets: this.ticketsWithExternalId(record.query.get('external_id') ?? '').map(view),
          next_page: null,
          previous_page: null,
          count: 0,
        });
      case 'upload':
        return this.upload(record, reply, send);
      case 'update':
        return this.update(record, reply, send);
      case 'show': {
        const shown = this.tickets.get(Number(/^\/api\/v2\/tickets\/(\d+)/.exec(record.path)?.[1]));
        return shown ? reply(200, { ticket: view(shown) }) : reply(404, { error: 'RecordNotFound', description: 'Not found' });
      }
      case 'delete-ticket':
      case 'restore-ticket':
      case 'delete-ticket-permanently':
        return this.ticketDeletion(endpoint, idIn(record.path), reply);
      case 'delete-user':
      case 'delete-user-permanently':
        return this.userDeletion(endpoint, idIn(record.path), reply);
      default:
        return reply(404, { error: 'InvalidEndpoint', description: 'Not found' });
    }
  }

  private async createTicket(record: RecordedRequest, reply: (s: number, b: unknown, h?: Record<string, string>) => void, drop?: () => void): Promise<void> {
    const key = headerOf(record, 'idempotency-key');
    const hash = createHash('sha256').update(record.body).digest('hex');
    const known = key ? this.idempotency.get(key) : undefined;
    if (known && Date.now() - known.at < IDEMPOTENCY_WINDOW_MS) {
      if (known.hash !== hash) {
        return reply(400, { error: 'IdempotentRequestError', description: 'Idempotency key reused with a different request payload' });
      }
      return drop ? drop() : reply(known.status, known.body, { 'x-idempotency-lookup': 'hit' });
    }
    const input = parseJson(record.body) as { ticket?: Partial<FakeTicket> & { comment?: { html_body?: string } } } | undefined;
    const t = input?.ticket;
    if (!t || !t.comment?.html_body || !t.requester?.email) {
      return reply(422, {
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: { base: [{ description: 'Requester and comment are required' }] },
      });
    }
    const now = new Date().toISOString();
    const ticket: FakeTicket = {
      id: this.nextId++,
      external_id: t.external_id ?? null,
      subject: t.subject ?? '',
      status: 'new',
      tags: t.tags ?? [],
      requester: t.requester,
      requester_id: this.requesterFor(t.requester, now).id,
      comments: [{ id: this.nextId++, html_body: t.comment.html_body, public: true, uploads: [] }],
      created_at: now,
      updated_at: now,
    };
    this.tickets.set(ticket.id, ticket);
    const body = JSON.stringify({ ticket: view(ticket), audit: { id: this.nextId++, ticket_id: ticket.id, created_at: now, events: [] } });
    if (key) this.idempotency.set(key, { hash, status: 201, body, at: Date.now() });
    if (drop) return drop();
    await this.beforeCreateAnswer?.(ticket);
    reply(201, body, { Location: `${this.url}/api/v2/tickets/${ticket.id}.json`, 'x-idempotency-lookup': 'miss' });
    this.onTicketCreated?.(ticket);
  }

  /** Zendesk keeps one user per email address: a ticket for a known address gets that user. */
  private requesterFor(requester: { name?: string; email: string }, now: string): FakeUser {
    const email = requester.email.trim().toLowerCase();
    const known = [...this.users.values()].find((u) => u.email === email);
    if (known) return known;
    const user: FakeUser = { id: this.nextId++, name: requester.name ?? email.split('@')[0]!, email, role: 'end-user', active: true, created_at: now };
    this.users.set(user.id, user);
    return user;
  }

  /** Delete Ticket (204), Restore Deleted Ticket (200), Delete Ticket Permanently (200, a job status). */
  private ticketDeletion(endpoint: Endpoint, id: number, reply: (s: number, b: unknown) => void): void {
    const notFound = () => reply(404, { error: 'RecordNotFound', description: 'Not found' });
    if (endpoint === 'delete-ticket') {
      const ticket = this.tickets.get(id);
      if (!ticket) return notFound();
      this.tickets.delete(id);
      this.deletedTickets.set(id, ticket);
      return reply(204, '');
    }
    const deleted = this.deletedTickets.get(id);
    if (!deleted) return notFound();
    this.deletedTickets.delete(id);
    if (endpoint === 'restore-ticket') {
      this.tickets.set(id, deleted);
      return reply(200, '');
    }
    // Its comments go with it, and the attachments they hold.
    for (const comment of deleted.comments) for (const token of comment.uploads) this.uploads.delete(token);
    reply(200, {
      job_status: { id: randomBytes(8).toString('hex'), status: 'completed', total: 1, progress: 1, url: `${this.url}/api/v2/job_statuses/x.json` },
    });
  }

  /** Delete User (a soft delete; 422 while they request a ticket that is not closed), Permanently Delete User. */
  private userDeletion(endpoint: Endpoint, id: number, reply: (s: number, b: unknown) => void): void {
    const notFound = () => reply(404, { error: 'RecordNotFound', description: 'Not found' });
    if (endpoint === 'delete-user') {
      const user = this.users.get(id);
      if (!user) return notFound();
      const open = [...this.tickets.values()].filter((t) => t.requester_id === id && t.status !== 'closed');
      if (open.length > 0) {
        return reply(422, {
          error: 'RecordInvalid',
          description: 'Record validation errors',
          details: { base: [{ description: `The user is the requester of ${open.length} ticket(s) that are not closed` }] },
        });
      }
      this.users.delete(id);
      const deleted = { ...user, active: false };
      this.deletedUsers.set(id, deleted);
      return reply(200, { user: deleted });
    }
    const user = this.deletedUsers.get(id);
    if (!user) return notFound(); // never soft-deleted, or already gone for good
    this.deletedUsers.delete(id);
    this.permanentlyDeletedUsers.add(id);
    reply(200, { deleted_user: { id, name: 'Permanently Deleted User', email: null, active: false } });
  }

  private upload(record: RecordedRequest, reply: (s: number, b: unknown, h?: Record<string, string>) => void, drop?: () => void): void {
    const fileName = record.query.get('filename') ?? '';
    if (!fileName) return reply(400, { error: 'InvalidValue', description: 'filename is required' });
    if (record.body.length > this.maxUploadBytes) return reply(413, { error: 'RecordInvalid', description: 'File size exceeds the limit' });
    if (this.refuseFileNames.test(fileName)) {
      return reply(422, {
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: { base: [{ description: 'This file type is not allowed' }] },
      });
    }
    const declared = Number(headerOf(record, 'content-length'));
    if (Number.isFinite(declared) && declared !== record.body.length) return reply(400, { error: 'InvalidValue', description: 'Content-Length mismatch' });
    const upload: Upload = {
      token: randomBytes(12).toString('base64url'),
      fileName,
      contentType: headerOf(record, 'content-type') ?? 'application/binary',
      size: record.body.length,
      sha256: createHash('sha256').update(record.body).digest('hex'),
    };
    this.uploads.set(upload.token, upload);
    if (drop) return drop();
    const attachment = {
      id: this.nextId++,
      file_name: fileName,
      content_type: upload.contentType,
      size: upload.size,
      content_url: `${this.url}/attachments/token/${upload.token}/?name=${encodeURIComponent(fileName)}`,
    };
    reply(201, { upload: { token: upload.token, expires_at: new Date(Date.now() + 3 * 86_400_000).toISOString(), attachment, attachments: [attachment] } });
  }

  private update(record: RecordedRequest, reply: (s: number, b: unknown, h?: Record<string, string>) => void, drop?: () => void): void {
    const id = Number(/^\/api\/v2\/tickets\/(\d+)(\.json)?$/.exec(record.path)?.[1]);
    const ticket = this.tickets.get(id);
    if (!ticket) return reply(404, { error: 'RecordNotFound', description: 'Not found' });
    const input = parseJson(record.body) as
      | { ticket?: { status?: string; comment?: { html_body?: string; body?: string; public?: boolean; uploads?: string[]; author_id?: number } } }
      | undefined;
    if (ticket.status === 'closed') return reply(422, { error: 'RecordInvalid', description: 'Closed tickets cannot be updated' });
    if (typeof input?.ticket?.status === 'string') ticket.status = input.ticket.status;
    const comment = input?.ticket?.comment;
    const events: object[] = [];
    const text = comment?.html_body ?? comment?.body;
    if (comment && text) {
      const unknown = (comment.uploads ?? []).filter((t) => !this.uploads.has(t));
      if (unknown.length > 0) return reply(422, { error: 'RecordInvalid', description: `Unknown upload token ${unknown.join(', ')}` });
      const added = {
        id: this.nextId++,
        html_body: text,
        public: comment.public ?? true,
        uploads: comment.uploads ?? [],
        ...(comment.author_id ? { author_id: comment.author_id } : {}),
      };
      ticket.comments.push(added);
      ticket.updated_at = new Date().toISOString();
      events.push({ id: added.id, type: 'Comment', body: text, public: added.public, author_id: added.author_id ?? 1 });
    }
    if (drop) return drop();
    reply(200, { ticket: view(ticket), audit: { id: this.nextId++, ticket_id: ticket.id, created_at: ticket.updated_at, events } });
  }
}

function endpointOf(method: string, path: string, query: URLSearchParams): Endpoint | undefined {
  const tickets = /^\/api\/v2\/tickets(\.json)?$/.test(path);
  if (method === 'POST' && tickets) return 'create';
  if (method === 'GET' && tickets && query.has('external_id')) return 'lookup';
  if (method === 'POST' && /^\/api\/v2\/uploads(\.json)?$/.test(path)) return 'upload';
  if (method === 'PUT' && /^\/api\/v2\/tickets\/\d+(\.json)?$/.test(path)) return 'update';
  if (method === 'GET' && /^\/api\/v2\/tickets\/\d+(\.json)?$/.test(path)) return 'show';
  if (method === 'DELETE' && /^\/api\/v2\/tickets\/\d+(\.json)?$/.test(path)) return 'delete-ticket';
  if (method === 'PUT' && /^\/api\/v2\/deleted_tickets\/\d+\/restore(\.json)?$/.test(path)) return 'restore-ticket';
  if (method === 'DELETE' && /^\/api\/v2\/deleted_tickets\/\d+(\.json)?$/.test(path)) return 'delete-ticket-permanently';
  if (method === 'DELETE' && /^\/api\/v2\/users\/\d+(\.json)?$/.test(path)) return 'delete-user';
  if (method === 'DELETE' && /^\/api\/v2\/deleted_users\/\d+(\.json)?$/.test(path)) return 'delete-user-permanently';
  return undefined;
}

/** The first number in a path (`/api/v2/deleted_tickets/12/restore` → 12). */
function idIn(path: string): number {
  return Number(/\/(\d+)/.exec(path)?.[1]);
}

function headerOf(record: RecordedRequest, name: string): string | undefined {
  const value = record.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function view(t: FakeTicket) {
  return {
    id: t.id,
    url: `/api/v2/tickets/${t.id}.json`,
    external_id: t.external_id,
    subject: t.subject,
    description: t.comments[0]?.html_body ?? '',
    status: t.status,
    requester_id: t.requester_id,
    tags: t.tags,
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
}
