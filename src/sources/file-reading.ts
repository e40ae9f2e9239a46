import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { SourceOptions } from './source-item.ts';

/** A file stream that reports how far it has read, for progress bars over large dumps. */
export function progressStream(
  path: string,
  opts: SourceOptions,
  encoding: BufferEncoding = 'utf8',
): Readable {
  const total = statSync(path).size;
  const stream = createReadStream(path, { encoding, highWaterMark: 1 << 20 });
  let read = 0;
  stream.on('data', (chunk) => {
    read += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.length;
    opts.onProgress?.({ bytesRead: Math.min(read, total), bytesTotal: total });
  });
  if (opts.signal) {
    const onAbort = () => stream.destroy(new Error('aborted'));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    stream.on('close', () => opts.signal?.removeEventListener('abort', onAbort));
  }
  return stream;
}

/** The name a file's records are reported under: short, but enough to find the file. */
export function displayName(path: string): string {
  return basename(path);
}

/** Read the first bytes of a file, to recognise its format without reading it all. */
export async function readHead(path: string, bytes = 64 * 1024): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}
