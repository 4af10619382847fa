import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { UserExport } from '@support-desk/contracts';
import { userExportZip, zipPathOf } from './user-export';

const file = (n: number, kind: 'IMAGE' | 'LOG' = 'LOG') => ({
  kind,
  blobKey: kind === 'IMAGE' ? `images/img-${n}.png` : `support-files/t-1/LOG/u${n}`,
  fileName: kind === 'IMAGE' ? `img-${n}.png` : `../../etc/passwd ${n}.log`,
  contentType: 'text/plain',
  size: 3,
  at: 1,
  zipPath: null as string | null,
});

async function entriesOf(zip: Buffer): Promise<Map<string, Buffer>> {
  const z = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.fromBuffer(zip, { lazyEntries: true }, (e, f) => (e ? rej(e) : res(f))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((res, rej) => {
    z.on('end', res).on('error', rej);
    z.on('entry', (entry: yauzl.Entry) =>
      z.openReadStream(entry, (e, s) => {
        if (e) return rej(e);
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c)).on('end', () => (out.set(entry.fileName, Buffer.concat(chunks)), z.readEntry()));
      }),
    );
    z.readEntry();
  });
  return out;
}

describe('user export zip', () => {
  it('names entries safely: no path escapes the zip, whatever the app called its file', () => {
    const path = zipPathOf(file(1));
    expect(path).toBe('files/t-1/LOG/u1-__.._etc_passwd_1.log');
    for (const segment of path.split('/')) expect(segment.startsWith('.'), segment).toBe(false);
    expect(zipPathOf(file(2, 'IMAGE'))).toBe('images/img-2.png');
    expect(zipPathOf({ kind: 'LOG', blobKey: 'support-files/t/LOG/u', fileName: '...' })).not.toMatch(/^\.|\/\./);
  });

  it('streams each file when the zip reaches it, one open at a time, and the bytes come out as stored', async () => {
    const files = [1, 2, 3].map((n) => ({ ...file(n), zipPath: zipPathOf(file(n)) }));
    const data: UserExport = {
      uuid: 'u',
      exportedAt: 1_700_000_000_000,
      tickets: [{ recordId: 'r', ticketId: 't-1', zendeskTicketIds: [], status: null, events: [], conversation: [], files }],
    };
    const content = (key: string) => Buffer.concat([Buffer.from(key), Buffer.alloc(200_000, key.length)]);
    let open = 0;
    let maxOpen = 0;
    const opened: string[] = [];
    const blobs = {
      async get(key: string) {
        opened.push(key);
        maxOpen = Math.max(maxOpen, ++open);
        const body = Readable.from([content(key)]).on('end', () => open--);
        return { info: { key, size: 0, contentType: 'text/plain' }, body };
      },
    };
    const output = userExportZip(blobs, data, (e) => {
      throw e;
    });
    // Back-pressure: until the answer is consumed, at most the first file is opened (200 KB each, far over the stream's buffer).
    await new Promise((r) => setTimeout(r, 50));
    expect(opened.length).toBeLessThanOrEqual(1);
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    await new Promise<void>((res, rej) => output.pipe(sink).on('finish', res).on('error', rej));
    expect(maxOpen).toBe(1);
    const entries = await entriesOf(Buffer.concat(chunks));
    expect([...entries.keys()]).toEqual(['export.json', ...files.map((f) => f.zipPath!)]);
    for (const f of files) expect(entries.get(f.zipPath!)!.equals(content(f.blobKey))).toBe(true);
    expect(JSON.parse(entries.get('export.json')!.toString())).toEqual(data);
  });

  it('cuts the answer when a file is gone from the blob store meanwhile, and reports it', async () => {
    const files = [{ ...file(1), zipPath: zipPathOf(file(1)) }];
    const data: UserExport = {
      uuid: 'u',
      exportedAt: 1,
      tickets: [{ recordId: 'r', ticketId: 't-1', zendeskTicketIds: [], status: null, events: [], conversation: [], files }],
    };
    const errors: unknown[] = [];
    const output = userExportZip({ get: async () => null }, data, (e) => errors.push(e));
    output.resume();
    await new Promise<void>((res) =>
      output
        .on('error', () => res())
        .on('end', res)
        .on('close', res),
    );
    expect(String(errors[0])).toContain('is gone since the export began');
  });
});
