import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyWrapper, MasterKeyConfigError, parseMasterKeys } from './master-keys';

const b64 = () => randomBytes(32).toString('base64');

describe('DATA_KEY_MASTER', () => {
  it('parses id:base64key entries, the first one first', () => {
    const keys = parseMasterKeys(` new:${b64()} , old:${b64()}`);
    expect(keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(keys[0]!.key).toHaveLength(32);
    expect(parseMasterKeys(undefined)).toEqual([]);
    expect(parseMasterKeys('  ')).toEqual([]);
  });

  it('names what is wrong without printing the key', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parseMasterKeys(`a:${short}`)).toThrow(MasterKeyConfigError);
    expect(() => parseMasterKeys(`a:${short}`)).toThrow(/key "a" must be 32 bytes/);
    expect(() => parseMasterKeys(`a:${short}`)).not.toThrow(short);
    expect(() => parseMasterKeys(b64())).toThrow(/entry 1 must be id:base64key/);
    expect(() => parseMasterKeys(`a:${b64()},a:${b64()}`)).toThrow(/lists the id "a" twice/);
  });

  it('wraps with the first master key and unwraps with any listed one', () => {
    const [a, b] = parseMasterKeys(`a:${b64()},b:${b64()}`);
    const dataKey = randomBytes(32);
    const wrappedByB = new KeyWrapper([b!]).wrap('k1', dataKey);
    const rotating = new KeyWrapper([a!, b!]);
    expect(rotating.unwrap('k1', wrappedByB).equals(dataKey)).toBe(true);
    expect(rotating.isCurrent(wrappedByB)).toBe(false);
    const wrappedByA = rotating.wrap('k1', dataKey);
    expect(wrappedByA.startsWith('m1.a.')).toBe(true);
    expect(wrappedByA).not.toContain(dataKey.toString('base64url'));
    expect(rotating.isCurrent(wrappedByA)).toBe(true);
  });

  it('binds a wrapped key to its id', () => {
    const wrapper = new KeyWrapper(parseMasterKeys(`a:${b64()}`));
    const wrapped = wrapper.wrap('k1', randomBytes(32));
    expect(() => wrapper.unwrap('k2', wrapped)).toThrow(/does not open it/);
  });

  it('stores keys unwrapped (plain.) without a master key, and still reads them once one is set', () => {
    const dataKey = randomBytes(32);
    const plain = new KeyWrapper([]).wrap('k1', dataKey);
    expect(plain).toBe(`plain.${dataKey.toString('base64url')}`);
    expect(new KeyWrapper(parseMasterKeys(`a:${b64()}`)).unwrap('k1', plain).equals(dataKey)).toBe(true);
  });
});
