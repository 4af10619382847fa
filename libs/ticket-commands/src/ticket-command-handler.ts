import { ticketStreamId, type TicketEvent } from '@support-desk/contracts';
import { handleCommand, type EventStore, type JsonObject, type RecordedEvent } from '@support-desk/event-store';
import {
  DomainError,
  foldTicket,
  recordIdForTicket,
  ticketDecider,
  ticketIdForIdempotencyKey,
  toTicketEvent,
  type OpenTicket,
  type RequestTicket,
  type Ticket,
  type TicketCommand,
} from '@support-desk/ticket-domain';
import { firstOutcome, requestHash } from './request-idempotency';

export type TicketCommandResult = {
  /** Events this command appended (none: an idempotent no-op). */
  newEvents: TicketEvent[];
  /** The ticket after the command. */
  state: OpenTicket;
  /** Stream revision the state reflects. */
  revision: number;
};

/** What a customer asks for; the ids are the command layer's (see requestTicket). */
export type NewTicket = Omit<RequestTicket['data'], 'recordId' | 'ticketId' | 'now'>;

export type RequestTicketOptions = {
  now: number;
  /** The client's Idempotency-Key: it names the ticket, so a retry lands on the same stream. */
  idempotencyKey?: string;
  /** The ticket id when there is no key. */
  newTicketId: () => string;
  correlationId?: string;
};

/** The ticket aggregate over the EventStore port: what every writer of tickets shares. */
export class TicketCommandHandler {
  constructor(private readonly store: EventStore) {}

  /** The ticket and the recorded events it was folded from ([] and status 'none' when unknown). */
  async load(recordId: string): Promise<{ ticket: Ticket; recorded: RecordedEvent[] }> {
    const recorded = await this.store.readStream(ticketStreamId(recordId));
    const events = recorded.map(toTicketEvent).filter((e): e is TicketEvent => e !== undefined);
    return { ticket: foldTicket(events), recorded };
  }

  /**
   * Decide (ticket-domain's `<command>.decider.ts`) and append; metadata
   * (correlation id, request hash) goes on every new event.
   */
  async handle(recordId: string, command: TicketCommand, metadata: JsonObject = {}): Promise<TicketCommandResult> {
    return this.decideAndAppend(recordId, command, metadata, false);
  }

  /**
   * RequestTicket (ticket-domain request-ticket.decider.ts), safe to retry: with
   * an Idempotency-Key the same key and request give the first answer again and
   * no second ticket, also when retries race; the same key with another request
   * is an IdempotencyKeyReusedError.
   */
  async requestTicket(ticket: NewTicket, options: RequestTicketOptions): Promise<OpenTicket> {
    const key = options.idempotencyKey;
    if (!key) return this.requestNewTicket(ticket, options);
    const ticketId = ticketIdForIdempotencyKey(key);
    const recordId = recordIdForTicket(ticketId);
    // Only a keyed request is ever compared with an earlier one, so only it pays for the hash.
    const hash = requestHash(ticket);
    const command: RequestTicket = { type: 'RequestTicket', data: { recordId, ticketId, ...ticket, now: options.now } };
    try {
      const { state } = await this.handle(recordId, command, { correlationId: options.correlationId, requestHash: hash });
      return state;
    } catch (error) {
      // The key's ticket exists: this is a retry (or a reuse) of an earlier request.
      if (!(error instanceof DomainError && error.code === 'TICKET.ALREADY_EXISTS')) throw error;
      return firstOutcome((await this.load(recordId)).recorded, hash);
    }
  }

  /**
   * No key: the ticket gets a fresh random id, so its stream cannot exist yet and
   * the append goes ahead without reading it (handleCommand's newStream). Were the
   * id taken after all, handleCommand reads the stream and the decider refuses
   * with TICKET.ALREADY_EXISTS, as it would have without the shortcut.
   */
  private async requestNewTicket(ticket: NewTicket, options: RequestTicketOptions): Promise<OpenTicket> {
    const ticketId = options.newTicketId();
    const recordId = recordIdForTicket(ticketId);
    const command: RequestTicket = { type: 'RequestTicket', data: { recordId, ticketId, ...ticket, now: options.now } };
    const { state } = await this.decideAndAppend(recordId, command, { correlationId: options.correlationId }, true);
    return state;
  }

  private async decideAndAppend(recordId: string, command: TicketCommand, metadata: JsonObject, newStream: boolean): Promise<TicketCommandResult> {
    const result = await handleCommand(this.store, ticketStreamId(recordId), command, ticketDecider, { toEvent: toTicketEvent, metadata, newStream });
    return { newEvents: result.newEvents, state: openAfter(result.state, command), revision: result.revision };
  }
}

/**
 * Every command either opens the ticket (RequestTicket) or is refused unless the
 * ticket is open, so a ticket a command was decided on is open afterwards.
 */
function openAfter(state: Ticket, command: TicketCommand): OpenTicket {
  if (state.status !== 'open') throw new Error(`${command.type} left ticket ${command.data.recordId} not open`);
  return state;
}
