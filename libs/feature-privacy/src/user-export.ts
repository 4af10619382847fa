import type { Readable } from 'node:stream';
import yazl from 'yazl';
import type { UserExport } from '@support-desk/contracts';
import type { BlobStore } from '@support-desk/blob-store';
import { loadUserTickets, type UserDataSources, type UserFile } from './user-data';

export type ExportSources = UserDataSources & { blobs: Pick<BlobStore, 'get' | 'head'> };

/** Everything held about a user, decrypted (null when no ticket of theirs is held); each stored file gets its place in the zip. */
export async function buildUserExport(sources: ExportSources, uuid: string, now: number): Promise<UserExport | null> {
  const tickets = await loadUserTickets(sources, uuid);
  if (tickets.length === 0) return null;
  const out: UserExport['tickets'] = [];
  for (const ticket of tickets) {
    const files: UserExport['tickets'][number]['files'] = [];
    for (const file of ticket.files) {
      const info = await sources.blobs.head(file.blobKey);
      files.push({
        ...file,
        contentType: file.contentType ?? info?.contentType ?? null,
        size: file.size ?? info?.size ?? null,
        zipPath: info ? zipPathOf(file) : null,
      });
    }
    out.push({ ...ticket, files });
  }
  return { uuid, exportedAt: now, tickets: out };
}

/** images/<name>, files/<ticketId>/<type>/<uploadId>-<name>: one entry per stored blob, names safe on any file system. */
export function zipPathOf(file: Pick<UserFile, 'kind' | 'blobKey' | 'fileName'>): string {
  if (file.kind === 'IMAGE') return `images/${safeName(file.fileName)}`;
  const [, ...rest] = file.blobKey.split('/');
  return `files/${rest.map(safeName).join('/')}-${safeName(file.fileName)}`;
}

const safeName = (name: string) =>
  name
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 120) || '_';

/**
 * The export as a zip: export.json first, then every stored file, each read from
 * the blob store only when the zip reaches it and piped through (never a whole
 * file in memory; the HTTP response's back-pressure holds the reads). Files are
 * stored, not deflated: photos and archives do not shrink.
 */
export function userExportZip(blobs: Pick<BlobStore, 'get'>, data: UserExport, onError: (error: unknown) => void): Readable {
  const zip = new yazl.ZipFile();
  const mtime = new Date(data.exportedAt);
  zip.addBuffer(Buffer.from(JSON.stringify(data, null, 2)), 'export.json', { mtime });
  const added = new Set<string>();
  for (const file of data.tickets.flatMap((t) => t.files)) {
    if (!file.zipPath || added.has(file.zipPath)) continue;
    added.add(file.zipPath);
    zip.addReadStreamLazy(file.zipPath, { mtime, compress: false }, (callback) => {
      blobs.get(file.blobKey).then(
        (found) => (found ? callback(null, found.body) : callback(new Error(`${file.blobKey} is gone since the export began`), undefined as never)),
        (error: unknown) => callback(error, undefined as never),
      );
    });
  }
  zip.end();
  const output = zip.outputStream as Readable;
  zip.on('error', (error: unknown) => {
    onError(error);
    // The answer is already streaming: cut it, so the client sees a broken download, not a short zip.
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return output;
}
