import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PersonalDataDecryptError } from './field-cipher';
import { SEAL_PREFIX, isSealEnvelope, openSeal, sealFields } from './event-seal';

const key = { keyId: 'k1', key: randomBytes(32) };
const fields = { message: 'Mein Gerät stürzt ab 📱', email: 'alice@example.com', images: ['a.jpeg', 'b.png'] };

const flipByte = (envelope: string) => {
  const [prefix, iv, sealed] = envelope.split('.');
  const bytes = Buffer.from(sealed!, 'base64url');
  bytes[0]! ^= 1;
  return `${prefix}.${iv}.${bytes.toString('base64url')}`;
};

describe('event seal (AES-256-GCM, pd2 format: all personal fields of an event in one envelope)', () => {
  it('round-trips the fields, unicode and lists included', () => {
    const envelope = sealFields(key, 'TicketRequested', fields);
    expect(envelope.startsWith(SEAL_PREFIX)).toBe(true);
    expect(isSealEnvelope(envelope)).toBe(true);
    expect(envelope.split('.')).toHaveLength(3);
    expect(openSeal(key, 'TicketRequested', envelope)).toEqual(fields);
  });

  it('uses a fresh IV each time and shows nothing of the plaintext', () => {
    const a = sealFields(key, 'T', fields);
    expect(a).not.toBe(sealFields(key, 'T', fields));
    expect(a.split('.')[1]).not.toBe(sealFields(key, 'T', fields).split('.')[1]);
    expect(Buffer.from(a.split('.')[2]!, 'base64url').toString('latin1')).not.toMatch(/alice|message|images/);
  });

  it('refuses a flipped byte, another key, another key id and another event type', () => {
    const envelope = sealFields(key, 'UserReplied', { body: 'hi' });
    expect(() => openSeal(key, 'UserReplied', flipByte(envelope))).toThrow(/UserReplied sealed fields: does not open with data key k1/);
    expect(() => openSeal({ keyId: 'k1', key: randomBytes(32) }, 'UserReplied', envelope)).toThrow(PersonalDataDecryptError);
    expect(() => openSeal({ keyId: 'k2', key: key.key }, 'UserReplied', envelope)).toThrow(PersonalDataDecryptError);
    expect(() => openSeal(key, 'TicketCommentAdded', envelope)).toThrow(PersonalDataDecryptError);
  });

  it('refuses a malformed envelope', () => {
    expect(() => openSeal(key, 'T', 'pd2.nope')).toThrow(/not a pd2. value/);
    expect(() => openSeal(key, 'T', 42)).toThrow(PersonalDataDecryptError);
    expect(() => openSeal(key, 'T', `pd1.${sealFields(key, 'T', fields).slice(SEAL_PREFIX.length)}`)).toThrow(/not a pd2. value/);
    expect(isSealEnvelope('pd2')).toBe(false);
  });
});
