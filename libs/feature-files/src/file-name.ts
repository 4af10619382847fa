import { create } from 'content-disposition';

/**
 * A client's file name is only a label: keep the last path segment, drop control
 * and quote characters (it goes into Content-Disposition), bound its length.
 */
export function safeFileName(raw: string | undefined, fallback: string): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(-200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned;
}

/**
 * Content-Disposition by the `content-disposition` package (RFC 6266, RFC 8187
 * `filename*`): the exact name for clients that read `filename*`, and for those
 * that only read `filename=` (curl -OJ, old browsers) a plain ASCII stand-in.
 */
export function contentDisposition(fileName: string, type: 'attachment' | 'inline' = 'attachment'): string {
  return create(fileName, { type, fallback: asciiFallback(fileName) });
}

/**
 * Non-ASCII becomes `_`, and so do `"`, `\` and `;`, which naive `filename=`
 * parsers split or stop on, and `%XX`, which some clients percent-decode.
 * When nothing changes the header carries `filename=` alone.
 */
function asciiFallback(fileName: string): string {
  return fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]|%(?=[0-9A-Fa-f]{2})/g, '_');
}
