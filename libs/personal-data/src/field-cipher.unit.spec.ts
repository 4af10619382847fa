import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CIPHER_PREFIX, PersonalDataDecryptError, decryptField, encryptField, isCiphertext } from './field-cipher';

const key = { keyId: 'k1', key: randomBytes(32) };

describe('field cipher (AES-256-GCM, pd1 format)', () => {
  it('round-trips text, unicode included', () => {
    const sealed = encryptField(key, 'TicketRequested.message', 'Mein Gerät stürzt ab 📱');
    expect(sealed.startsWith(CIPHER_PREFIX)).toBe(true);
    expect(isCiphertext(sealed)).toBe(true);
    expect(decryptField(key, 'TicketRequested.message', sealed)).toBe('Mein Gerät stürzt ab 📱');
  });

  it('uses a fresh IV each time: equal plaintexts give different ciphertexts', () => {
    expect(encryptField(key, 'f', 'same')).not.toBe(encryptField(key, 'f', 'same'));
  });

  it('shows nothing of the plaintext', () => {
    const sealed = encryptField(key, 'f', 'alice@example.com');
    expect(sealed).not.toContain('alice');
    expect(Buffer.from(sealed.split('.')[2]!, 'base64url').toString('latin1')).not.toContain('alice');
  });

  it('refuses a tampered ciphertext with a clear error', () => {
    const sealed = encryptField(key, 'f', 'alice@example.com');
    const bytes = Buffer.from(sealed.split('.')[2]!, 'base64url');
    bytes[0]! ^= 1;
    const tampered = `${sealed.split('.').slice(0, 2).join('.')}.${bytes.toString('base64url')}`;
    expect(() => decryptField(key, 'f', tampered)).toThrow(PersonalDataDecryptError);
    expect(() => decryptField(key, 'f', tampered)).toThrow(/does not open with data key k1/);
  });

  it('refuses another key, and a value moved to another field', () => {
    const sealed = encryptField(key, 'TicketRequested.email', 'alice@example.com');
    expect(() => decryptField({ keyId: 'k1', key: randomBytes(32) }, 'TicketRequested.email', sealed)).toThrow(PersonalDataDecryptError);
    expect(() => decryptField({ keyId: 'k2', key: key.key }, 'TicketRequested.email', sealed)).toThrow(PersonalDataDecryptError);
    expect(() => decryptField(key, 'TicketRequested.phone', sealed)).toThrow(PersonalDataDecryptError);
  });

  it('refuses a malformed value', () => {
    expect(() => decryptField(key, 'f', 'pd1.nope')).toThrow(/not a pd1. value/);
  });
});
