import { Column, uint8 } from './column.ts';

/**
 * A counted document's (term, count) entries as bytes: each term as the difference from the one
 * before it in the document, zigzagged and shifted left by one, its low bit saying whether a count
 * other than 1 follows, all as variable-length integers (7 bits a byte). Entries keep their order.
 * Within a field the terms ascend and most counts are 1, so an entry takes two or three bytes
 * instead of the six of an Int32 term and a Uint16 count: on a million generated reports, the
 * counts every fit of `train` reads took 1.15 GB that way.
 */

/** Terms are at most this (the zigzagged, shifted difference stays below 2³¹, for bit operations). */
export const MAX_TERM = 2 ** 29 - 1;

export class EntryWriter {
  private readonly out: Column<Uint8Array>;
  private prev = 0;

  constructor(capacity = 1 << 16) {
    this.out = new Column(uint8, capacity);
  }

  /** bytes written so far: where the next document's entries start */
  get length(): number {
    return this.out.length;
  }

  get bytes(): Uint8Array {
    return this.out.data;
  }

  /** The next entries are a new document's: differences start again from 0. */
  beginDoc(): void {
    if (this.out.length > 0x7fffffff)
      throw new Error('more than 2 GiB of counted entries: count fewer reports at a time');
    this.prev = 0;
  }

  /** An entry: a term and how often it occurs (1 to 65535) in the document. */
  push(term: number, count: number): void {
    if (term < 0 || term > MAX_TERM) throw new Error(`term id ${term} out of range`);
    if (count < 1 || count > 65535) throw new Error(`count ${count} out of range`);
    const d = term - this.prev;
    this.prev = term;
    const zz = d >= 0 ? d * 2 : -d * 2 - 1;
    const more = count === 1 ? 0 : 1;
    this.varint(zz * 2 + more);
    if (more) this.varint(count - 2);
  }

  reserve(bytes: number): void {
    this.out.reserve(bytes);
  }

  private varint(v: number): void {
    const out = this.out;
    while (v >= 128) {
      out.push((v & 127) | 128);
      v >>>= 7;
    }
    out.push(v);
  }
}

/** The bytes of a varint of `v` (below 2³¹). */
function varintLength(v: number): number {
  let n = 1;
  while (v >= 128) {
    v >>>= 7;
    n++;
  }
  return n;
}

/**
 * The bytes documents' entries take once each term is renamed by `rename` (-1: dropped), in the
 * order they are in: what `EntryWriter` will write for them, to make room for it once.
 */
export function renamedLength(
  bytes: Uint8Array,
  rowStart: Int32Array,
  nDocs: number,
  rename: Int32Array,
): number {
  const reader = new EntryReader();
  let total = 0;
  for (let d = 0; d < nDocs; d++) {
    const m = reader.read(bytes, rowStart[d]!, rowStart[d + 1]!);
    let prev = 0;
    for (let k = 0; k < m; k++) {
      const id = rename[reader.term[k]!]!;
      if (id < 0) continue;
      const diff = id - prev;
      prev = id;
      const zz = diff >= 0 ? diff * 2 : -diff * 2 - 1;
      const c = reader.count[k]!;
      total += varintLength(zz * 2 + (c === 1 ? 0 : 1)) + (c === 1 ? 0 : varintLength(c - 2));
    }
  }
  return total;
}

/** Decodes one document's entries at a time into `term` and `count`, which grow as needed. */
export class EntryReader {
  term = new Int32Array(1024);
  count = new Uint16Array(1024);

  /** The entries in `bytes[start, end)` (one document's), decoded; how many there are. */
  read(bytes: Uint8Array, start: number, end: number): number {
    // an entry takes at least a byte: room for the most there can be
    if (end - start > this.term.length) {
      const n = Math.max(end - start, this.term.length * 2);
      this.term = new Int32Array(n);
      this.count = new Uint16Array(n);
    }
    const { term, count } = this;
    let p = start;
    let prev = 0;
    let n = 0;
    while (p < end) {
      let b = bytes[p++]!;
      let v = b & 127;
      let s = 7;
      while (b >= 128) {
        b = bytes[p++]!;
        v |= (b & 127) << s;
        s += 7;
      }
      const zz = v >>> 1;
      prev += zz & 1 ? -((zz + 1) >>> 1) : zz >>> 1;
      term[n] = prev;
      if (v & 1) {
        b = bytes[p++]!;
        let c = b & 127;
        s = 7;
        while (b >= 128) {
          b = bytes[p++]!;
          c |= (b & 127) << s;
          s += 7;
        }
        count[n] = c + 2;
      } else count[n] = 1;
      n++;
    }
    return n;
  }
}
