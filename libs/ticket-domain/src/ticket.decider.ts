import type { SupportFileType, TicketEvent, TicketRequested, ZendeskFileMode } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import { evolve, initialTicket, type Ticket } from './ticket';

export type RequestTicket = {
  type: 'RequestTicket';
  data: Omit<TicketRequested['data'], 'requestedAt'> & { now: number };
};

export type AttachSupportFile = {
  type: 'AttachSupportFile';
  data: {
    recordId: string;
    fileType: SupportFileType;
    blobKey: string;
    fileName: string;
    contentType: string;
    size: number;
    now: number;
  };
};

export type RecordTicketSynced = {
  type: 'RecordTicketSynced';
  data: { recordId: string; zendeskTicketId: string; now: number };
};

export type RecordTicketSyncFailed = {
  type: 'RecordTicketSyncFailed';
  data: { recordId: string; reason: string; attempts: number; now: number };
};

export type RecordSupportFileSynced = {
  type: 'RecordSupportFileSynced';
  data: { recordId: string; blobKey: string; zendeskTicketId: string; mode: ZendeskFileMode; now: number };
};

/** From Zendesk's webhook; `changedAt` is Zendesk's time of the change, so late deliveries can be told apart. */
export type RecordTicketStatusChanged = {
  type: 'RecordTicketStatusChanged';
  data: { recordId: string; zendeskTicketId: string; status: string; changedAt: number };
};

export type TicketCommand =
  | RequestTicket
  | AttachSupportFile
  | RecordTicketSynced
  | RecordTicketSyncFailed
  | RecordSupportFileSynced
  | RecordTicketStatusChanged;

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
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

function requestTicket({ data }: RequestTicket, state: Ticket): TicketEvent[] {
  if (state.status !== 'none') throw new DomainError('TICKET.ALREADY_EXISTS', `Ticket ${data.ticketId} already exists`);
  const { now, ...fields } = data;
  return [{ type: 'TicketRequested', data: { ...fields, requestedAt: now } }];
}

function attachSupportFile({ data }: AttachSupportFile, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  const { now, ...file } = data;
  return [{ type: 'SupportFileUploaded', data: { ...file, ticketId: state.ticketId, uploadedAt: now } }];
}

function recordTicketSynced({ data }: RecordTicketSynced, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  // Idempotent: a redelivered sync result for the same Zendesk ticket adds nothing.
  if (state.sync.status === 'SYNCED' && state.sync.zendeskTicketId === data.zendeskTicketId) return [];
  if (state.sync.status === 'SYNCED') {
    throw new DomainError('TICKET.ALREADY_SYNCED', `Ticket ${state.ticketId} is already Zendesk ticket ${state.sync.zendeskTicketId}`);
  }
  return [
    {
      type: 'TicketSynced',
      data: { recordId: data.recordId, ticketId: state.ticketId, zendeskTicketId: data.zendeskTicketId, syncedAt: data.now },
    },
  ];
}

function recordTicketSyncFailed({ data }: RecordTicketSyncFailed, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  if (state.sync.status === 'SYNCED') return [];
  return [
    {
      type: 'TicketSyncFailed',
      data: { recordId: data.recordId, ticketId: state.ticketId, reason: data.reason, attempts: data.attempts, failedAt: data.now },
    },
  ];
}

function recordSupportFileSynced({ data }: RecordSupportFileSynced, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  // Idempotent: a redelivered upload event must not add a second comment record.
  if (state.zendeskFiles?.includes(data.blobKey)) return [];
  const { now, ...file } = data;
  return [{ type: 'SupportFileSynced', data: { ...file, ticketId: state.ticketId, syncedAt: now } }];
}

function recordTicketStatusChanged({ data }: RecordTicketStatusChanged, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  if (state.sync.status === 'SYNCED' && state.sync.zendeskTicketId !== data.zendeskTicketId) {
    throw new DomainError(
      'TICKET.ZENDESK_MISMATCH',
      `Ticket ${state.ticketId} is Zendesk ticket ${state.sync.zendeskTicketId}, not ${data.zendeskTicketId}`,
    );
  }
  const status = data.status.trim().toUpperCase();
  const current = state.zendeskStatus;
  // Webhooks are retried and may arrive out of order: a repeat or an older report changes nothing.
  if (current && (current.status === status || data.changedAt < current.changedAt)) return [];
  return [
    {
      type: 'TicketStatusChanged',
      data: { recordId: data.recordId, ticketId: state.ticketId, status, zendeskTicketId: data.zendeskTicketId, changedAt: data.changedAt },
    },
  ];
}

/** decide + evolve + initial state: what a command handler needs. */
export const ticketDecider = { decide, evolve, initialState: initialTicket };
