import type { BlobStore } from '@support-desk/blob-store';
import { SUPPORT_FILE_TYPES, type ZendeskFileMode } from '@support-desk/contracts';
import type { FileLinks, OpenTicket } from '@support-desk/ticket-domain';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';
import { systemClock, type Clock } from './clock';
import { RateLimiter } from './rate-limiter';
import { withRetries, type RetryPolicy } from './retry-policy';
import { fileCommentHtml, zendeskTicketFor, type FileForZendesk } from './ticket-body';
import { postUserReply } from './reply-sync';
import { ZendeskClient, ZendeskRequesterClient } from './zendesk-client';
import { ZendeskError, ZendeskGaveUp } from './zendesk-error';
import { ZendeskHttp } from './zendesk-http';
import type { ZendeskInstruments } from './zendesk-instruments';
import { IDEMPOTENCY_TRUST_MS, ZENDESK_MAX_UPLOAD_BYTES, type ZendeskSettings } from './zendesk-settings';

type Log = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export type TicketSyncerDeps = {
  tickets: TicketCommandHandler;
  blobs: BlobStore;
  links: FileLinks;
  settings: ZendeskSettings;
  log: Log;
  clock?: Clock;
  instruments?: ZendeskInstruments;
};

export type SyncOutcome = { status: 'SYNCED'; zendeskTicketId: string } | { status: 'FAILED'; reason: string } | { status: 'NOT_FOUND' };

/**
 * Mirrors our tickets into Zendesk. Safe to call again for the same ticket at
 * any time (redelivery, restart, admin retry):
 * - a ticket already SYNCED is left alone;
 * - creates carry Idempotency-Key = ticketId, and once that key may have expired
 *   (ticket older than IDEMPOTENCY_TRUST_MS) we look up external_id first;
 * - files already recorded as SupportFileSynced are not sent again.
 * Work on one ticket is serialized in this process (worker and admin route share it).
 */
export class TicketSyncer {
  private readonly client: ZendeskClient;
  private readonly clock: Clock;
  private readonly policy: RetryPolicy;
  private readonly stopping = new AbortController();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly limiter: RateLimiter;

  constructor(private readonly deps: TicketSyncerDeps) {
    this.clock = deps.clock ?? systemClock;
    const { settings } = deps;
    this.limiter = new RateLimiter(settings.requestsPerMinute, this.clock);
    this.client = new ZendeskClient(new ZendeskHttp(settings, this.limiter, this.stopping.signal, deps.instruments));
    this.policy = { maxAttempts: settings.maxAttempts, baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs };
  }

  /** Zendesk calls waiting for the rate limiter. */
  get limiterQueueLength(): number {
    return this.limiter.queueLength;
  }

  /** Aborts waits and calls in flight; interrupted work is redelivered later, never marked failed. */
  stop(): void {
    this.stopping.abort(new Error('zendesk-sync is stopping'));
  }

  syncTicket(recordId: string): Promise<SyncOutcome> {
    return this.exclusive(recordId, () => this.ensureTicket(recordId));
  }

  /** One upload event: the ticket first (it may not be in Zendesk yet), then the file. */
  syncFile(recordId: string, file: FileForZendesk): Promise<SyncOutcome> {
    return this.exclusive(recordId, async () => {
      const outcome = await this.ensureTicket(recordId);
      if (outcome.status === 'SYNCED') await this.ensureFile(recordId, outcome.zendeskTicketId, file);
      return outcome;
    });
  }

  /** An app user's reply: the ticket first (it may not be in Zendesk yet), then the public comment by the requester. */
  syncReply(recordId: string, replyId: string): Promise<SyncOutcome> {
    return this.exclusive(recordId, async () => {
      const outcome = await this.ensureTicket(recordId);
      if (outcome.status !== 'SYNCED') return outcome;
      const { tickets, blobs, log } = this.deps;
      const requesters = new ZendeskRequesterClient(this.client.http);
      const retrying = <T>(operation: string, logged: object, run: () => Promise<T>) => this.retrying(operation, logged, run);
      await postUserReply({ tickets, blobs, client: this.client, requesters, clock: this.clock, log, retrying }, recordId, outcome.zendeskTicketId, replyId);
      return outcome;
    });
  }

  /** Admin retry: the ticket, then its current files that Zendesk has not got yet. */
  resync(recordId: string): Promise<SyncOutcome> {
    return this.exclusive(recordId, async () => {
      const outcome = await this.ensureTicket(recordId);
      if (outcome.status !== 'SYNCED') return outcome;
      const { ticket } = await this.deps.tickets.load(recordId);
      if (ticket.status !== 'open') return outcome;
      for (const fileType of SUPPORT_FILE_TYPES) {
        const file = ticket.files[fileType];
        if (file) await this.ensureFile(recordId, outcome.zendeskTicketId, { ...file, fileType });
      }
      return outcome;
    });
  }

  private async ensureTicket(recordId: string): Promise<SyncOutcome> {
    const { ticket } = await this.deps.tickets.load(recordId);
    if (ticket.status !== 'open') return { status: 'NOT_FOUND' };
    if (ticket.sync.status === 'SYNCED') return { status: 'SYNCED', zendeskTicketId: ticket.sync.zendeskTicketId };
    const log = { ticketId: ticket.ticketId, recordId };
    try {
      const zendeskTicketId = await this.retrying(`create Zendesk ticket for ${ticket.ticketId}`, log, () => this.findOrCreate(ticket));
      // A crash right here (Zendesk has the ticket, we have no TicketSynced) is healed on redelivery by the same key / lookup.
      await this.deps.tickets.handle(recordId, { type: 'RecordTicketSynced', data: { recordId, zendeskTicketId, now: this.clock.now() } });
      this.deps.log.info({ ...log, zendeskTicketId }, 'ticket synced to Zendesk');
      return { status: 'SYNCED', zendeskTicketId };
    } catch (error) {
      if (!(error instanceof ZendeskGaveUp)) throw error;
      this.deps.log.error({ ...log, attempts: error.attempts, reason: error.message }, 'Zendesk sync failed');
      await this.deps.tickets.handle(recordId, {
        type: 'RecordTicketSyncFailed',
        data: { recordId, reason: error.message, attempts: error.attempts, now: this.clock.now() },
      });
      return { status: 'FAILED', reason: error.message };
    }
  }

  private async findOrCreate(ticket: OpenTicket): Promise<string> {
    if (this.clock.now() - ticket.requestedAt >= IDEMPOTENCY_TRUST_MS) {
      const existing = await this.lookUp(ticket.ticketId);
      if (existing) return existing;
    }
    try {
      return (await this.client.createTicket(zendeskTicketFor(ticket, this.deps.links), ticket.ticketId)).id;
    } catch (error) {
      // Zendesk refuses a reused key whose body differs (e.g. PUBLIC_BASE_URL changed): the ticket may exist.
      if (error instanceof ZendeskError && error.kind === 'refused' && [400, 409, 422].includes(error.status ?? 0)) {
        const existing = await this.lookUp(ticket.ticketId);
        if (existing) return existing;
      }
      throw error;
    }
  }

  /** The oldest Zendesk ticket carrying our ticketId, if any. */
  private async lookUp(ticketId: string): Promise<string | undefined> {
    const found = await this.client.findTicketsByExternalId(ticketId);
    const ids = found.map((t) => t.id);
    return ids.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))[0];
  }

  private async ensureFile(recordId: string, zendeskTicketId: string, file: FileForZendesk): Promise<void> {
    const { ticket } = await this.deps.tickets.load(recordId);
    if (ticket.status !== 'open' || ticket.zendeskFiles.includes(file.blobKey)) return;
    const log = { ticketId: ticket.ticketId, zendeskTicketId, blobKey: file.blobKey };
    try {
      const mode = await this.sendFile(ticket, zendeskTicketId, file, log);
      await this.deps.tickets.handle(recordId, {
        type: 'RecordSupportFileSynced',
        data: { recordId, blobKey: file.blobKey, zendeskTicketId, mode, now: this.clock.now() },
      });
      this.deps.log.info({ ...log, mode }, 'file added to the Zendesk ticket');
    } catch (error) {
      if (!(error instanceof ZendeskGaveUp)) throw error;
      if (error.cause.status === 404) {
        // The Zendesk ticket was deleted there (by an agent, or by erasing its user): nothing to fix or retry.
        this.deps.log.warn({ ...log, reason: error.message }, 'the Zendesk ticket is gone: the file stays with us only');
        return;
      }
      // The ticket itself is in Zendesk; the admin retry route sends the missing file later.
      this.deps.log.error({ ...log, attempts: error.attempts, reason: error.message }, 'could not add the file to the Zendesk ticket');
    }
  }

  private async sendFile(ticket: OpenTicket, zendeskTicketId: string, file: FileForZendesk, log: object): Promise<ZendeskFileMode> {
    const href = this.deps.links.supportFileUrl(ticket.ticketId, file.fileType);
    let token: string | undefined;
    let refusal: string | undefined;
    if (file.size > ZENDESK_MAX_UPLOAD_BYTES) {
      refusal = "larger than Zendesk's 50 MB attachment limit";
    } else {
      try {
        token = await this.retrying(`upload ${file.fileName} to Zendesk`, log, () => this.upload(file));
      } catch (error) {
        if (!(error instanceof ZendeskGaveUp && error.cause.kind === 'refused')) throw error;
        // Zendesk refuses some types (.log often) and sizes: the link alone still gets the agent there.
        refusal = error.cause.status ? `Zendesk refused the file (HTTP ${error.cause.status})` : error.cause.message;
      }
    }
    await this.retrying(`comment on Zendesk ticket ${zendeskTicketId}`, log, () =>
      this.client.addPrivateComment(zendeskTicketId, fileCommentHtml(file, href, refusal), token ? [token] : []),
    );
    return token ? 'ATTACHMENT' : 'LINK';
  }

  private async upload(file: FileForZendesk): Promise<string> {
    // A fresh stream per try: a failed try has consumed the previous one.
    const blob = await this.deps.blobs.get(file.blobKey);
    if (!blob) throw new ZendeskError('refused', `the file ${file.blobKey} is no longer stored`);
    return this.client.upload({ fileName: file.fileName, contentType: file.contentType, size: blob.info.size, body: blob.body });
  }

  private retrying<T>(operation: string, log: object, run: () => Promise<T>): Promise<T> {
    return withRetries(operation, run, this.policy, {
      clock: this.clock,
      signal: this.stopping.signal,
      onRetry: (error, attempt, delayMs) => this.deps.log.warn({ ...log, attempt, delayMs, kind: error.kind, reason: error.message }, `${operation}: retrying`),
    });
  }

  private exclusive<T>(key: string, run: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const result = previous.then(run, run);
    const tail = result.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return result;
  }
}
