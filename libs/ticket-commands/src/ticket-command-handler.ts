import { ticketStreamId, type TicketEvent } from '@support-desk/contracts';
import { handleCommand, type EventStore, type JsonObject, type RecordedEvent } from '@support-desk/event-store';
import { foldTicket, ticketDecider, toTicketEvent, type Ticket, type TicketCommand } from '@support-desk/ticket-domain';

/** The ticket aggregate over the EventStore port: what every writer of tickets shares. */
export class TicketCommandHandler {
  constructor(private readonly store: EventStore) {}

  /** The ticket and the recorded events it was folded from ([] and status 'none' when unknown). */
  async load(recordId: string): Promise<{ ticket: Ticket; recorded: RecordedEvent[] }> {
    const recorded = await this.store.readStream(ticketStreamId(recordId));
    const events = recorded.map(toTicketEvent).filter((e): e is TicketEvent => e !== undefined);
    return { ticket: foldTicket(events), recorded };
  }

  /** Decide and append; metadata (correlation id, request hash) goes on every new event. */
  async handle(recordId: string, command: TicketCommand, metadata: JsonObject = {}) {
    return handleCommand(this.store, ticketStreamId(recordId), command, ticketDecider, { toEvent: toTicketEvent, metadata });
  }
}
