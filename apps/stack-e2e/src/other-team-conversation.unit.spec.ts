import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { readAsOtherTeam } from './other-team-consumer';

/** The other team meets the conversation events (issue 13) with nothing but the published .avsc files. */
describe('another team reading UserReplied and TicketCommentAdded', () => {
  const onFile = (name: string) =>
    avro.Type.forSchema(JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../libs/contracts/src/events/avro', name), 'utf8')));

  it('decodes both from the files alone', () => {
    const replied = { recordId: 'r-1', ticketId: 't-1', replyId: 'rep-1', uuid: 'user-1', body: 'Still crashing', images: [], repliedAt: 1_700_000_000_000 };
    expect(readAsOtherTeam('UserReplied', '1', onFile('UserReplied.v1.avsc').toBuffer(replied))).toEqual(replied);
    const comment = {
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
    expect(readAsOtherTeam('TicketCommentAdded', '1', onFile('TicketCommentAdded.v1.avsc').toBuffer(comment))).toEqual(comment);
  });
});
