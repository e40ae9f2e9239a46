import { isUtf8 } from 'node:buffer';

/** Where a byte sequence is not UTF-8: its byte offset in the buffer and its (1-based) line. */
export interface BadUtf8 {
  offset: number;
  line: number;
}

/**
 * The invalid UTF-8 sequences of a buffer (the first `max`), with the line each sits on, lines
 * counted from `firstLine`. A sequence cut off by the buffer's end is not counted: the caller
 * carries it into the next buffer.
 */
export function findBadUtf8(buf: Buffer, firstLine = 1, max = 20): { bad: BadUtf8[]; tail: number } {
  const bad: BadUtf8[] = [];
  let line = firstLine;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b === 10) line++;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) {
      if (bad.length < max) bad.push({ offset: i, line });
      i++;
      continue;
    }
    if (i + need >= buf.length) {
      // possibly cut at the end of this buffer: let the next one decide
      if (buf.subarray(i + 1).every((c) => (c & 0xc0) === 0x80)) return { bad, tail: buf.length - i };
    }
    const seq = buf.subarray(i, i + need + 1);
    if (seq.length === need + 1 && isUtf8(seq)) {
      i += need + 1;
      continue;
    }
    if (bad.length < max) bad.push({ offset: i, line });
    i++;
  }
  return { bad, tail: 0 };
}

/** Count of newlines in a buffer: how far the line counter moves over it. */
export function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
