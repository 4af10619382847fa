import type { TicketEvent } from '@support-desk/contracts';
import { attachSupportFile, type AttachSupportFile } from './attach-support-file.decider';
import { recordSupportFileSynced, type RecordSupportFileSynced } from './record-support-file-synced.decider';
import { recordTicketStatusChanged, type RecordTicketStatusChanged } from './record-ticket-status-changed.decider';
import { recordTicketSyncFailed, type RecordTicketSyncFailed } from './record-ticket-sync-failed.decider';
import { recordTicketSynced, type RecordTicketSynced } from './record-ticket-synced.decider';
import { recordTicketComment, type RecordTicketComment } from './record-ticket-comment.decider';
import { replyToTicket, type ReplyToTicket } from './reply-to-ticket.decider';
import { requestTicket, type RequestTicket } from './request-ticket.decider';
import { evolve, initialTicket, type Ticket } from './ticket';

export type TicketCommand =
  | RequestTicket
  | AttachSupportFile
  | RecordTicketSynced
  | RecordTicketSyncFailed
  | RecordSupportFileSynced
  | RecordTicketStatusChanged
  | ReplyToTicket
  | RecordTicketComment;

/** One decider per command, each in its own `<command>.decider.ts`. */
export function decide(command: TicketCommand, state: Ticket): TicketEvent[] {
  switch (command.type) {
    case 'RequestTicket':
      return requestTicket(command, state);
    case 'AttachSupportFile':
      return attachSupportFile(command, state);
    case 'RecordTicketSynced':
      return recordTicketSynced(command, state);
    case 'RecordTicketSyncFailed':
      return recordTicketSyncFailed(command, state);
    case 'RecordSupportFileSynced':
      return recordSupportFileSynced(command, state);
    case 'RecordTicketStatusChanged':
      return recordTicketStatusChanged(command, state);
    case 'ReplyToTicket':
      return replyToTicket(command, state);
    case 'RecordTicketComment':
      return recordTicketComment(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

/** decide + evolve + initial state: what a command handler needs. */
export const ticketDecider = { decide, evolve, initialState: initialTicket };
