/**
 * Which fields of which event types are personal, and whose they are. A field
 * kind says what a reader gets once the subject's key is erased:
 *   text          → ERASED
 *   optionalText  → null stays null (nothing was stored), a value → ERASED
 *   textList      → [] (a list of names: image names)
 */
export type PersonalFieldKind = 'text' | 'optionalText' | 'textList';

export type PersonalEventPolicy = { fields: Readonly<Record<string, PersonalFieldKind>> };

/** Event type → its personal fields. Types not listed carry no personal data and pass untouched. */
export type PersonalDataPolicy = Readonly<Record<string, PersonalEventPolicy>>;

/**
 * The ticket events (libs/contracts ticket-events.ts). The app user's `uuid` is
 * the data subject and stays clear: it is the key's index and the id other
 * systems erase by. Ids we issue, statuses, categories (a fixed list), sizes,
 * content types and dates stay clear too. README "Personal data" lists the same.
 *
 * Whose data an event holds: `data.uuid` when the event has it (TicketRequested,
 * UserReplied); otherwise `metadata.dataSubject`, which TicketCommandHandler puts
 * on every event it appends (the ticket's uuid), or, for an event appended
 * without it, the subject of the stream's earlier events.
 */
export const TICKET_PERSONAL_DATA: PersonalDataPolicy = {
  TicketRequested: {
    fields: { udid: 'text', subject: 'text', message: 'text', email: 'text', name: 'optionalText', phone: 'optionalText', images: 'textList' },
  },
  SupportFileUploaded: { fields: { fileName: 'text' } },
  UserReplied: { fields: { body: 'text', images: 'textList' } },
  TicketCommentAdded: { fields: { body: 'text' } },
};

/** Metadata names the decorator reads and writes (clear, ids only). */
export const PERSONAL_DATA_METADATA = {
  /** The data key the event's personal fields are encrypted with. Absent: written before encryption, read as stored. */
  keyId: 'dataKeyId',
  /** The data subject (app user uuid) of an event that does not carry `uuid` in its data. */
  subject: 'dataSubject',
  /**
   * The event's personal field values, sealed together (pd2, event-seal.ts). Absent: the
   * event has no personal values, or was written as pd1 (each field sealed in place).
   * Readers never see it: the decorator opens it and removes it.
   */
  sealed: 'sealedFields',
} as const;
