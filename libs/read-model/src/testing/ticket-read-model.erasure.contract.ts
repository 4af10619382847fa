import { randomUUID } from 'node:crypto';
import { ERASED } from '@support-desk/contracts';
import { expect, it } from 'vitest';
import type { TicketReadModel, TicketSearchQuery } from '../ticket-read-model.port';
import type { TicketView } from '../ticket-view';
import { sampleView } from './sample-view';

/** A subject's ticket full of personal data that no other fixture shares. */
export function personalView(uuid: string, overrides: Partial<TicketView> = {}): TicketView {
  const tag = randomUUID().slice(0, 8);
  return sampleView({
    uuid,
    udid: `UDID-${tag}`.toUpperCase(),
    email: `erasable-${tag}@example.org`,
    // All ten digits from the tag (hex read as a number): the tag's own digits padded with 7s made two views' phones
    // collide now and then among thousands (an erasure test then found the other's phone and failed).
    phone: `+33 6 ${String(parseInt(tag, 16)).padStart(10, '0')}`,
    name: `Zoé Personne ${tag}`,
    subject: `Zorglub ${tag} subject`,
    message: `Secretword${tag} in my message`,
    images: [`photo-of-me-${tag}.jpg`],
    category: 'crash',
    ...overrides,
  });
}

/** The fields erasure must leave as they were. */
const kept = (v: TicketView) => ({
  recordId: v.recordId,
  ticketId: v.ticketId,
  requestedAt: v.requestedAt,
  ticketStatus: v.ticketStatus,
  sync: v.sync,
  category: v.category,
  files: v.files,
  schemaVersion: v.schemaVersion,
});

/** Erasing a subject (issue 15). Each test starts from an empty read model. */
export function erasureContract(readModel: () => TicketReadModel): void {
  const ids = async (query: TicketSearchQuery) => (await readModel().search(query, { offset: 0, limit: 100 })).items.map((v) => v.recordId).sort();
  const everyWay = (v: TicketView): TicketSearchQuery[] => [
    { uuid: v.uuid },
    { udid: v.udid },
    { email: v.email },
    { phone: v.phone! },
    { q: v.subject },
    { q: v.message.split(' ')[0] },
  ];

  it('anonymises every view of the subject, keeps ids, dates, statuses and category, and leaves others alone', async () => {
    const uuid = randomUUID();
    const a = personalView(uuid, { ticketStatus: 'open', sync: { status: 'SYNCED', zendeskTicketId: '9001' }, files: { LOG: true, FEEDBACK_PHOTO: true } });
    const b = personalView(uuid.toUpperCase(), { requestedAt: 1_700_000_000_500, sync: { status: 'FAILED', reason: 'Zendesk said 503' } });
    const other = personalView(randomUUID());
    await readModel().upsert({ view: a, revision: 4 });
    await readModel().upsert({ view: b, revision: 0 });
    await readModel().upsert({ view: other, revision: 1 });

    expect(await readModel().eraseSubject(uuid)).toBe(2);

    for (const [view, revision] of [
      [a, 4],
      [b, 0],
    ] as const) {
      const stored = await readModel().get(view.recordId);
      expect(stored?.revision).toBe(revision);
      expect(stored?.view).toEqual({
        ...kept(view),
        uuid: ERASED,
        udid: ERASED,
        email: ERASED,
        phone: ERASED,
        name: ERASED,
        subject: ERASED,
        message: ERASED,
        images: [],
      });
      for (const query of everyWay(view)) expect(await ids(query), JSON.stringify(query)).toEqual([]);
    }
    // Ids we issue, statuses and categories still find them: the tickets still count.
    expect(await ids({ ticketId: a.ticketId })).toEqual([a.recordId]);
    expect(await ids({ zendeskTicketId: '9001' })).toEqual([a.recordId]);
    expect(await ids({ category: 'crash' })).toEqual([a.recordId, b.recordId, other.recordId].sort());
    // An adapter may leave out a total that would cost it a scan (the port says when); never a wrong one.
    expect([undefined, 3]).toContain((await readModel().search({ category: 'crash' }, { offset: 0, limit: 1 })).total);
    // The other subject is untouched.
    expect(await readModel().get(other.recordId)).toEqual({ view: other, revision: 1 });
    for (const query of everyWay(other)) expect(await ids(query), JSON.stringify(query)).toEqual([other.recordId]);
  });

  it('is idempotent, and erasing a subject without views changes nothing', async () => {
    const uuid = randomUUID();
    const view = personalView(uuid);
    await readModel().upsert({ view, revision: 0 });
    expect(await readModel().eraseSubject(uuid)).toBe(1);
    const once = await readModel().get(view.recordId);
    expect(await readModel().eraseSubject(uuid)).toBe(0);
    expect(await readModel().get(view.recordId)).toEqual(once);
    expect(await readModel().eraseSubject(randomUUID())).toBe(0);
  });

  it('never matches or indexes ERASED: a search for "[erased]" or "erased" lists no erased ticket', async () => {
    const uuid = randomUUID();
    const erased = personalView(uuid);
    const mentions = personalView(randomUUID(), { message: 'My data was erased yesterday' });
    await readModel().upsert({ view: erased, revision: 0 });
    await readModel().upsert({ view: mentions, revision: 0 });
    await readModel().eraseSubject(uuid);
    for (const field of ['uuid', 'udid', 'email', 'phone'] as const) {
      expect(await ids({ [field]: ERASED }), field).toEqual([]);
      expect(await ids({ [field]: ERASED.toUpperCase() }), field).toEqual([]);
    }
    expect(await ids({ q: 'erased' })).toEqual([mentions.recordId]);
    expect(await ids({ q: ERASED })).toEqual([mentions.recordId]);
    // A view that reads as erased when first stored (folded from shredded events) is not indexed either.
    const shredded = sampleView({ uuid: ERASED, udid: ERASED, email: ERASED, phone: ERASED, name: ERASED, subject: ERASED, message: ERASED });
    await readModel().upsert({ view: shredded, revision: 0 });
    expect(await ids({ q: 'erased' })).toEqual([mentions.recordId]);
    expect(await ids({ uuid: ERASED })).toEqual([]);
  });

  it('keeps an erased subject erased: later writes of its views come back anonymised', async () => {
    const uuid = randomUUID();
    const view = personalView(uuid);
    await readModel().upsert({ view, revision: 1 });
    await readModel().eraseSubject(uuid);

    // An event decrypted before the key was deleted, projected after the erasure.
    expect(await readModel().upsert({ view: { ...view, ticketStatus: 'solved' }, revision: 2 })).toBe(true);
    const after = (await readModel().get(view.recordId))!;
    expect(after.revision).toBe(2);
    expect(after.view).toMatchObject({ ticketStatus: 'solved', email: ERASED, uuid: ERASED, message: ERASED, images: [] });
    // A ticket of the subject the projection had not reached yet when the erasure ran.
    const late = personalView(uuid);
    expect(await readModel().upsert({ view: late, revision: 0 })).toBe(true);
    expect((await readModel().get(late.recordId))!.view).toMatchObject({ uuid: ERASED, email: ERASED, subject: ERASED });
    // A view folded from shredded events (uuid ERASED) with a field left over is anonymised whole.
    const partly = personalView(ERASED);
    await readModel().upsert({ view: partly, revision: 0 });
    expect((await readModel().get(partly.recordId))!.view).toMatchObject({ email: ERASED, udid: ERASED, images: [] });
    for (const v of [view, late, partly]) for (const query of everyWay(v)) expect(await ids(query), JSON.stringify(query)).toEqual([]);
    expect(await readModel().eraseSubject(uuid)).toBe(0); // already anonymised on the way in
  });

  it('a rebuild shows nothing of a subject erased before or while it ran', async () => {
    const before = randomUUID();
    const during = randomUUID();
    const keep = personalView(randomUUID());
    const early = personalView(before);
    const mid = personalView(during);
    for (const view of [keep, early, mid]) await readModel().upsert({ view, revision: 0 });
    await readModel().eraseSubject(before);

    // The rebuild folds events decrypted before the keys were deleted: personal data again.
    const rebuild = await readModel().beginRebuild();
    await rebuild.write([
      { stored: { view: keep, revision: 0 }, isNew: true },
      { stored: { view: early, revision: 0 }, isNew: true },
      { stored: { view: mid, revision: 0 }, isNew: true },
    ]);
    expect((await rebuild.get(early.recordId))!.view.email).toBe(ERASED);
    await readModel().eraseSubject(during); // while the copy is being filled
    await rebuild.swap(async (upsert) => {
      await upsert({ view: { ...mid, ticketStatus: 'open' }, revision: 1 });
    });

    for (const view of [early, mid]) {
      expect((await readModel().get(view.recordId))!.view).toMatchObject({ uuid: ERASED, email: ERASED, message: ERASED });
      for (const query of everyWay(view)) expect(await ids(query), JSON.stringify(query)).toEqual([]);
    }
    expect((await readModel().get(mid.recordId))!.view.ticketStatus).toBe('open');
    expect(await readModel().get(keep.recordId)).toEqual({ view: keep, revision: 0 });
    expect(await ids({ email: keep.email })).toEqual([keep.recordId]);
  });
}
