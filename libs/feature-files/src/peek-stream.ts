import { Readable } from 'node:stream';

/**
 * Reads the first `bytes` of a stream (fewer if it ends sooner) and returns them
 * with a stream that still yields everything, head included. Lets us sniff a
 * file's type before choosing where to store it, without buffering the file.
 */
export async function peekStream(source: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = next.value as Buffer;
    chunks.push(chunk);
    length += chunk.length;
  }
  const buffered = Buffer.concat(chunks);
  async function* replay() {
    if (buffered.length > 0) yield buffered;
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
  }
  const stream = Readable.from(replay(), { objectMode: false });
  // If the consumer gives up early, let the source go too (frees the socket).
  stream.once('close', () => {
    if (!source.destroyed && !source.readableEnded) void iterator.return?.();
  });
  return { head: buffered.subarray(0, bytes), stream };
}
