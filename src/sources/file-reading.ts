import { isUtf8 } from 'node:buffer';
import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { SourceOptions } from './source-item.ts';
import { countLines, findBadUtf8 } from './utf8-check.ts';

/**
 * A file's text as a stream of strings, reporting how far it has read (for progress bars over
 * large dumps). Bytes that are not UTF-8 become U+FFFD as before, but never silently: each such
 * place is a warning with its file and line.
 */
export function progressStream(path: string, opts: SourceOptions): Readable {
  const total = statSync(path).size;
  const file = displayName(path);
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const decoder = new StringDecoder('utf8');
  let read = 0;
  let line = 1;
  let carry: Buffer = Buffer.alloc(0);
  let warned = 0;
  const check = (buf: Buffer) => {
    const { bad, tail } = findBadUtf8(buf, line);
    for (const b of bad) {
      if (warned++ >= MAX_ENCODING_WARNINGS) break;
      opts.onWarning?.({
        file,
        line: b.line,
        message: `text: byte 0x${buf[b.offset]!.toString(16).padStart(2, '0')} is not UTF-8; read as U+FFFD (convert the file to UTF-8 to keep the character)${warned === MAX_ENCODING_WARNINGS ? '; further such bytes are not listed' : ''}`,
      });
    }
    line += countLines(buf.subarray(0, buf.length - tail));
    carry = tail > 0 ? Buffer.from(buf.subarray(buf.length - tail)) : Buffer.alloc(0);
  };
  const stream = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, done) {
      read += chunk.length;
      opts.onProgress?.({ bytesRead: Math.min(read, total), bytesTotal: total });
      if (carry.length > 0 || !isUtf8(chunk)) check(carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk);
      else line += countLines(chunk);
      const text = decoder.write(chunk);
      done(null, text.length > 0 ? text : undefined);
    },
    flush(done) {
      if (carry.length > 0) {
        const cut = carry;
        carry = Buffer.alloc(0);
        // a sequence cut off by the end of the file
        opts.onWarning?.({
          file,
          line,
          message: `text: the file ends inside a UTF-8 character (0x${cut.toString('hex')})`,
        });
      }
      const rest = decoder.end();
      done(null, rest.length > 0 ? rest : undefined);
    },
  });
  source.on('error', (e) => stream.destroy(e));
  source.pipe(stream);
  if (opts.signal) {
    const onAbort = () => {
      source.destroy();
      stream.destroy(new Error('aborted'));
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });
    stream.on('close', () => opts.signal?.removeEventListener('abort', onAbort));
  }
  return stream;
}

/** Past this many, one file's encoding warnings stop (a whole Latin-1 file would print millions). */
const MAX_ENCODING_WARNINGS = 20;

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
