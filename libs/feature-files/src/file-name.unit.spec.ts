import { parse } from 'content-disposition';
import { describe, expect, it } from 'vitest';
import { contentDisposition, safeFileName } from './file-name';

/** What a client that reads only `filename=` gets (curl -OJ: the quoted value, or the bare one up to `;`). */
const plainFilename = (header: string) => {
  const m = /;\s*filename=(?:"([^"]*)"|([^;\s]*))/.exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
};

describe('Content-Disposition for a stored file name', () => {
  const names = ["John's.log", 'отчёт 1.log', 'a"b.log', 'näme 1.log', '100%41.log', 'a;b\\c.log', 'crash report (2).txt', '日志.txt'];

  it.each(names)('parses back to the exact name: %s', (name) => {
    const header = contentDisposition(name);
    expect(parse(header)).toEqual({ type: 'attachment', parameters: expect.objectContaining({ filename: name }) });
  });

  it.each(names)('is all printable ASCII, with an ASCII-safe filename= for clients without filename*: %s', (name) => {
    const header = contentDisposition(name);
    expect(header).toMatch(/^[\x20-\x7e]*$/);
    const fallback = plainFilename(header);
    expect(fallback).toBeDefined();
    expect(fallback).toMatch(/^[\x20-\x7e]+$/);
    expect(fallback).not.toMatch(/["\\;]|%[0-9A-Fa-f]{2}/);
  });

  it("writes John's.log as a plain filename (an apostrophe is not allowed bare in filename*)", () => {
    const header = contentDisposition("John's.log");
    expect(header).not.toContain('filename*');
    expect(parse(header).parameters).toEqual({ filename: "John's.log" });
  });

  it('adds the UTF-8 filename* only when the ASCII stand-in differs from the name', () => {
    expect(contentDisposition('näme 1.log')).toBe(`attachment; filename="n_me 1.log"; filename*=UTF-8''n%C3%A4me%201.log`);
    expect(contentDisposition('a"b.log')).toContain(`filename*=UTF-8''a%22b.log`);
    expect(contentDisposition('report.log')).toBe('attachment; filename=report.log');
  });

  it('can say inline (images shown in the browser)', () => {
    expect(parse(contentDisposition('photo 1.jpg', 'inline'))).toEqual({ type: 'inline', parameters: { filename: 'photo 1.jpg' } });
  });
});

describe('safeFileName', () => {
  it('keeps the last path segment without control or quote characters', () => {
    expect(safeFileName('C:\\logs\\a"b\u0000.log', 'file.bin')).toBe('ab.log');
    expect(safeFileName('../../etc/passwd', 'file.bin')).toBe('passwd');
  });

  it('falls back when nothing usable is left', () => {
    expect(safeFileName(undefined, 'file.bin')).toBe('file.bin');
    expect(safeFileName('dir/..', 'file.bin')).toBe('file.bin');
    expect(safeFileName('  "" ', 'file.bin')).toBe('file.bin');
  });
});
