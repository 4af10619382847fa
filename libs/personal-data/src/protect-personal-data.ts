import { ERASED } from '@support-desk/contracts';
import type {
  AppendResult,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  JsonObject,
  NewEvent,
  RecordedEvent,
  SubscribeOptions,
} from '@support-desk/event-store';
import type { DataKey, DataKeyStore } from './data-key-store.port';
import { RecentMap } from './recent-map';
import { SEALED_FIELD, openSeal, sealFields } from './event-seal';
import { PersonalDataDecryptError, decryptField, isCiphertext } from './field-cipher';
import {
  PERSONAL_DATA_METADATA,
  TICKET_PERSONAL_DATA,
  type PersonalDataPolicy,
  type PersonalEventPolicy,
  type PersonalFieldKind,
} from './personal-data.policy';

const { keyId: KEY_ID, subject: SUBJECT, sealed: SEALED } = PERSONAL_DATA_METADATA;

/** An event of a personal type whose data subject can't be found: refused rather than stored in clear. */
export class MissingDataSubjectError extends Error {
  readonly code = 'PERSONAL_DATA.NO_SUBJECT';
  constructor(streamId: string, type: string) {
    super(`${type} on ${streamId}: no data subject (data.uuid, metadata.${SUBJECT}, or an earlier event of the stream) to encrypt its personal fields for`);
    this.name = 'MissingDataSubjectError';
  }
}

/** Events this process's decorators returned opened (held weakly: they go when their readers drop them). */
const openedEvents = new WeakSet<RecordedEvent>();

/**
 * True for an event object protectPersonalData returned with its personal
 * fields opened (clear, or placeholders once erased): its values are the
 * user's, whatever they look like (a message may start with "pd1." or be
 * "pd2"). False for anything else, a copy of such an event included.
 */
export const wasOpened = (event: RecordedEvent): boolean => openedEvents.has(event);

/** The store under a protected one, for tools that read the adapter's own tables (counts, copies). */
export function unprotected(store: EventStore): EventStore {
  return (store as Partial<ProtectedEventStore>).inner ?? store;
}

/**
 * An EventStore whose personal fields (per `policy`) are encrypted at rest with
 * the data subject's key: encrypted on `append` (the key id goes in the event's
 * metadata), decrypted on `readStream` and `subscribeToAll`. When the subject's
 * key was erased, readers get the ERASED placeholders, never an error, so
 * projections, relays and rebuilds keep going. Events written before this
 * existed (no key id in their metadata) read as they are.
 *
 * Appends write pd2 (event-seal.ts: one seal per event, the fields' values
 * replaced by a marker); events stored as pd1 (field-cipher.ts: each field
 * sealed in place) still read, and so does an event mixing both.
 *
 * Streams, revisions, positions, ids and types are untouched, so every
 * adapter's guarantees (optimistic concurrency, ordering, checkpoints) hold.
 */
export function protectPersonalData(store: EventStore, keys: DataKeyStore, policy: PersonalDataPolicy = TICKET_PERSONAL_DATA): EventStore {
  return new ProtectedEventStore(store, keys, policy);
}

class ProtectedEventStore implements EventStore {
  /** streamId → data subject, learnt from what this process read or wrote (a stream's subject never changes). */
  private readonly streamSubjects = new RecentMap<string, string>(5_000);
  /**
   * Envelopes this process sealed, with what they hold: `npm start` reads every
   * event back moments after appending it (its relays, the erasure watcher), and
   * opening the seal again (AES-GCM, JSON) was ~4 % of its busy CPU under load.
   * Used only when the key still exists (an erased subject's events read as
   * erased, cached or not) and names the same key and event type; bounded, a miss
   * just opens the seal.
   */
  private readonly sealedHere = new RecentMap<string, { envelope: string; keyId: string; type: string; fields: JsonObject }>(2_000);

  constructor(
    readonly inner: EventStore,
    private readonly keys: DataKeyStore,
    private readonly policy: PersonalDataPolicy,
  ) {}

  async append(streamId: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    const sealed: NewEvent[] = [];
    for (const event of events) sealed.push(await this.seal(streamId, event, events));
    return this.inner.append(streamId, sealed, options);
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    const recorded = await this.inner.readStream(streamId);
    const out: RecordedEvent[] = [];
    for (const event of recorded) out.push(await this.reveal(event));
    return out;
  }

  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): EventSubscription {
    // A decrypt error (corruption, an unlisted master key) throws here: the subscription's onError and retry see it.
    return this.inner.subscribeToAll(options, async (event) => handler(await this.reveal(event)));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async seal(streamId: string, event: NewEvent, batch: readonly NewEvent[]): Promise<NewEvent> {
    const rule = this.policy[event.type];
    // Already sealed (a copy between stores) or nothing personal: as it is.
    if (!rule || typeof event.metadata?.[KEY_ID] === 'string') return event;
    const subject = subjectOf(event) ?? subjectInBatch(batch) ?? (await this.subjectOfStream(streamId));
    if (!subject) throw new MissingDataSubjectError(streamId, event.type);
    this.remember(streamId, subject);
    const key = await this.keys.keyFor(subject);
    const data: JsonObject = { ...event.data };
    const clear: JsonObject = {};
    let sealedAny = false;
    for (const [field, kind] of Object.entries(rule.fields)) {
      const value = data[field];
      if (value === null || value === undefined) continue;
      // What pd1 stored (String / the list), so both formats read back the same values.
      clear[field] = kind === 'textList' ? value : String(value);
      data[field] = SEALED_FIELD;
      sealedAny = true;
    }
    const metadata: JsonObject = { ...event.metadata, [SUBJECT]: subject, [KEY_ID]: key.keyId };
    if (sealedAny) {
      const envelope = sealFields(key, event.type, clear);
      metadata[SEALED] = envelope;
      this.sealedHere.set(sealHandle(envelope), { envelope, keyId: key.keyId, type: event.type, fields: copyFields(clear) });
    }
    return { ...event, data, metadata };
  }

  private async reveal(event: RecordedEvent): Promise<RecordedEvent> {
    const subject = subjectOf(event);
    if (subject) this.remember(event.streamId, subject);
    const rule = this.policy[event.type];
    const keyId = event.metadata[KEY_ID];
    if (!rule || typeof keyId !== 'string') {
      // Sealed fields with no key to name: nothing can open them, and they must not pass as data.
      if (rule && event.metadata[SEALED] !== undefined) throw unreadable(event, new PersonalDataDecryptError(`sealed fields but no ${KEY_ID}`));
      return event;
    }
    const key = await this.keys.get(keyId);
    const envelope = event.metadata[SEALED];
    const data = openFields(event, rule, key, envelope, key ? this.openedHere(key, event.type, envelope) : undefined);
    const opened = { ...event, data, metadata: envelope === undefined ? event.metadata : withoutEnvelope(event.metadata) };
    openedEvents.add(opened);
    return opened;
  }

  /** What `envelope` holds if this process sealed it with `key` for an event of `type`: a copy, so a reader's change stays its own. */
  private openedHere(key: DataKey, type: string, envelope: unknown): JsonObject | undefined {
    const sealed = typeof envelope === 'string' ? this.sealedHere.get(sealHandle(envelope)) : undefined;
    if (!sealed || sealed.envelope !== envelope || sealed.keyId !== key.keyId || sealed.type !== type) return undefined;
    return copyFields(sealed.fields);
  }

  private async subjectOfStream(streamId: string): Promise<string | undefined> {
    const known = this.streamSubjects.get(streamId);
    if (known) return known;
    // Metadata and uuid are clear: the raw stream is enough, nothing to decrypt.
    for (const event of await this.inner.readStream(streamId)) {
      const subject = subjectOf(event);
      if (subject) return subject;
    }
    return undefined;
  }

  private remember(streamId: string, subject: string): void {
    // Bounded: a lookup missed is one more read of the stream, never a wrong subject.
    if (this.streamSubjects.get(streamId) !== subject) this.streamSubjects.set(streamId, subject);
  }
}

/**
 * The start of an envelope, which holds its random 96-bit IV: it tells seals apart
 * as well as the whole envelope does, at a fraction of the cost of hashing a
 * string of hundreds of characters on every append and read (the entry keeps the
 * whole envelope, compared before use).
 */
const sealHandle = (envelope: string) => envelope.slice(0, 24);

/** Personal fields are text or lists of text: copying the lists makes the copy independent. */
function copyFields(fields: JsonObject): JsonObject {
  const copy: JsonObject = {};
  for (const [field, value] of Object.entries(fields)) copy[field] = Array.isArray(value) ? [...value] : value;
  return copy;
}

function subjectOf(event: { data: JsonObject; metadata?: JsonObject }): string | undefined {
  const { uuid } = event.data;
  if (typeof uuid === 'string' && uuid !== '') return uuid;
  const subject = event.metadata?.[SUBJECT];
  return typeof subject === 'string' && subject !== '' ? subject : undefined;
}

const subjectInBatch = (batch: readonly NewEvent[]): string | undefined => batch.map(subjectOf).find((s) => s !== undefined);

/**
 * The event's data with its personal fields clear: pd2 markers from the opened
 * envelope, pd1 values each opened in place, or every one of them a placeholder
 * when the key is gone (erased).
 */
function openFields(event: RecordedEvent, rule: PersonalEventPolicy, key: DataKey | null, envelope: unknown, openedHere?: JsonObject): JsonObject {
  const data: JsonObject = { ...event.data };
  let opened: JsonObject | undefined;
  try {
    if (key && envelope !== undefined) opened = openedHere ?? openSeal(key, event.type, envelope);
    for (const [field, kind] of Object.entries(rule.fields)) {
      const value = data[field];
      if (value === null || value === undefined) continue;
      if (!key) data[field] = placeholder(kind);
      else if (value === SEALED_FIELD) data[field] = sealedValue(opened, event.type, field);
      else if (isCiphertext(value)) {
        const clear = decryptField(key, `${event.type}.${field}`, value);
        data[field] = kind === 'textList' ? (JSON.parse(clear) as unknown) : clear;
      }
    }
    // Every sealed value has its marker: a value sealed for a field that holds something else is not ours.
    const stray = opened && Object.keys(opened).find((field) => event.data[field] !== SEALED_FIELD || !Object.hasOwn(rule.fields, field));
    if (stray) throw new PersonalDataDecryptError(`${event.type}.${stray}: sealed, but the field does not hold the ${SEALED_FIELD} marker`);
  } catch (error) {
    throw unreadable(event, error);
  }
  return data;
}

function sealedValue(opened: JsonObject | undefined, type: string, field: string): unknown {
  if (opened && Object.hasOwn(opened, field)) return opened[field];
  throw new PersonalDataDecryptError(`${type}.${field}: marked ${SEALED_FIELD}, but ${opened ? 'not in the' : 'no'} metadata.${SEALED} envelope`);
}

/** The metadata readers get: the stored one less the envelope. */
function withoutEnvelope(metadata: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const name in metadata) if (name !== SEALED) out[name] = metadata[name];
  return out;
}

/** The cause, named after the event it was found in. */
function unreadable(event: RecordedEvent, error: unknown): PersonalDataDecryptError {
  const reason = error instanceof Error ? error.message : String(error);
  return new PersonalDataDecryptError(`event ${event.id} (${event.streamId} revision ${event.revision}): ${reason}`, { cause: error });
}

const placeholder = (kind: PersonalFieldKind): unknown => (kind === 'textList' ? [] : ERASED);
