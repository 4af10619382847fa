import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { avroSchemaPath, eventCodec } from './avro-codec';
import type { TicketCommentAdded, UserReplied } from './ticket-events';

/** A type built from one .avsc file alone, as another team would. */
const fromFile = (file: URL) => avro.Type.forSchema(JSON.parse(readFileSync(file, 'utf8')) as avro.Schema);

const replied: UserReplied['data'] = {
  recordId: 'r-1',
  ticketId: 't-1',
  replyId: '0b7d2a52-4f43-4d6c-9f1f-2a3b4c5d6e7f',
  uuid: 'user-1',
  body: 'Still crashing',
  images: ['732bbe0a-8d29-4c8d-bb84-891e43439630.jpeg'],
  repliedAt: 1_700_000_000_000,
};
const agentComment: TicketCommentAdded['data'] = {
  recordId: 'r-1',
  ticketId: 't-1',
  zendeskTicketId: '1001',
  commentId: '900001',
  authorRole: 'AGENT',
  public: true,
  body: 'Please try 5.13',
  createdAt: 1_700_000_100_000,
  replyId: null,
};

describe('UserReplied and TicketCommentAdded on file', () => {
  it('round-trip through our codecs, and decode from the .avsc files alone', () => {
    for (const [type, data] of [
      ['UserReplied', replied],
      ['TicketCommentAdded', agentComment],
      ['TicketCommentAdded', { ...agentComment, authorRole: 'END_USER', replyId: replied.replyId }],
    ] as const) {
      const bytes = eventCodec(type).encode(data);
      expect({ ...eventCodec(type).decode(bytes) }, type).toEqual(data);
      expect({ ...(fromFile(avroSchemaPath(type, 1)).fromBuffer(bytes) as object) }, type).toEqual(data);
    }
  });

  it('refuses an author role the contract does not name', () => {
    expect(() => eventCodec('TicketCommentAdded').encode({ ...agentComment, authorRole: 'ROBOT' as 'AGENT' })).toThrow();
  });

  /**
   * Schema evolution as it will happen: a v2 that adds an optional field (with a
   * default) and a symbol. The v1 files stay the readers' contract: v1 readers
   * must read v2 bytes, v2 readers v1 bytes.
   */
  it('evolve: a v2 adding an optional field is read by v1 readers, and reads v1 data', () => {
    const v1Schema = JSON.parse(readFileSync(avroSchemaPath('TicketCommentAdded', 1), 'utf8')) as { fields: { name: string }[] };
    const v2 = avro.Type.forSchema({
      ...v1Schema,
      fields: [...v1Schema.fields, { name: 'authorName', type: ['null', 'string'], default: null }],
    } as avro.Schema);
    const v1 = fromFile(avroSchemaPath('TicketCommentAdded', 1));
    const v2Bytes = v2.toBuffer({ ...agentComment, authorName: 'Ann (support)' });
    expect({ ...(v1.fromBuffer(v2Bytes, v1.createResolver(v2)) as object) }).toEqual(agentComment);
    expect({ ...(v2.fromBuffer(v1.toBuffer(agentComment), v2.createResolver(v1)) as object) }).toEqual({ ...agentComment, authorName: null });
  });

  it('a v1 reader of TicketCommentAdded reads data written before replyId existed (its default, null)', () => {
    const v1Schema = JSON.parse(readFileSync(avroSchemaPath('TicketCommentAdded', 1), 'utf8')) as { fields: { name: string }[] };
    const withoutReplyId = avro.Type.forSchema({ ...v1Schema, fields: v1Schema.fields.filter((f) => f.name !== 'replyId') } as avro.Schema);
    const v1 = fromFile(avroSchemaPath('TicketCommentAdded', 1));
    const { replyId: _omitted, ...older } = agentComment;
    expect({ ...(v1.fromBuffer(withoutReplyId.toBuffer(older), v1.createResolver(withoutReplyId)) as object) }).toEqual(agentComment);
  });
});
