import { describe, expect, it } from 'vitest';
import { fileNameOf } from './api';

describe('file names from Content-Disposition', () => {
  it('prefers filename* (RFC 8187) and falls back to filename', () => {
    expect(fileNameOf(`attachment; filename="John_s.log"; filename*=UTF-8''John%E2%80%99s.log`)).toBe('John’s.log');
    expect(fileNameOf('attachment; filename="device.log"')).toBe('device.log');
    expect(fileNameOf('attachment; filename=plain.txt')).toBe('plain.txt');
    expect(fileNameOf('attachment; filename="a \\"quoted\\" name.log"')).toBe('a "quoted" name.log');
    expect(fileNameOf('attachment')).toBeNull();
    expect(fileNameOf(null)).toBeNull();
  });
});
