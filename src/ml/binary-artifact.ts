import { createHash } from 'node:crypto';
import { packHalf, unpackHalf } from './half-float.ts';

/**
 * A tree of plain values whose large parts (typed arrays; long lists of strings) are kept as raw
 * bytes beside a small JSON skeleton, so a model of a million features loads by slicing a buffer
 * instead of parsing a string of base64 and numbers:
 *
 *   "EBMODEL\0" | u32 layout (1) | u32 skeleton bytes | skeleton JSON | pad to 8 |
 *   blobs, each at an 8-byte boundary | sha256 of all before (32 bytes)
 *
 * In the skeleton a blob is `{"$b": [type, offset, count]}`; numbers are little-endian. A long
 * Float32Array whose every value is exactly a half-precision number (a linear model's weights,
 * rounded so when fitted) is kept in two bytes a value ('f16', layout 2) and read back as the same
 * Float32Array.
 */
const MAGIC = Buffer.from('EBMODEL\0', 'latin1');
const LAYOUT = 2;
/** layouts this eightball reads: 1 had no 'f16' blobs */
const READS = new Set([1, 2]);
/** shorter single-precision arrays are not worth checking for half precision */
const HALF_MIN = 1024;
/** string lists at least this long go into a blob (short ones stay in the skeleton) */
const STRINGS_MIN = 256;

type BlobType = 'f32' | 'f16' | 'f64' | 'i32' | 'u32' | 'u8' | 'str';

export class BinaryArtifactError extends Error {
  override readonly name = 'BinaryArtifactError';
}

export function isBinaryArtifact(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(MAGIC);
}

function typeOf(v: unknown): BlobType | null {
  if (v instanceof Float32Array) return 'f32';
  if (v instanceof Float64Array) return 'f64';
  if (v instanceof Int32Array) return 'i32';
  if (v instanceof Uint32Array) return 'u32';
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return 'u8';
  return null;
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;

export function packBinary(tree: unknown): Buffer {
  const blobs: Buffer[] = [];
  let offset = 0;
  const add = (bytes: Buffer) => {
    const at = offset;
    blobs.push(bytes);
    const p = pad8(bytes.length);
    if (p) blobs.push(Buffer.alloc(p));
    offset += bytes.length + p;
    return at;
  };
  const walk = (v: unknown): unknown => {
    const t = typeOf(v);
    if (t) {
      const a = v as Float32Array;
      const half = t === 'f32' && a.length >= HALF_MIN ? packHalf(a) : null;
      if (half) return { $b: ['f16', add(Buffer.from(half.buffer)), a.length] };
      return { $b: [t, add(Buffer.from(a.buffer, a.byteOffset, a.byteLength)), a.length] };
    }
    if (Array.isArray(v)) {
      if (v.length >= STRINGS_MIN && v.every((x) => typeof x === 'string')) {
        // u32 byte lengths, then the UTF-8 of every string one after another
        const parts = (v as string[]).map((s) => Buffer.from(s, 'utf8'));
        const lengths = new Uint32Array(parts.length);
        parts.forEach((p, i) => {
          lengths[i] = p.length;
        });
        return { $b: ['str', add(Buffer.concat([Buffer.from(lengths.buffer), ...parts])), v.length] };
      }
      return v.map(walk);
    }
    if (v && typeof v === 'object') {
      if ('$b' in v) throw new BinaryArtifactError('"$b" is reserved in a model artifact');
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  const skeleton = Buffer.from(JSON.stringify(walk(tree)), 'utf8');
  const head = Buffer.alloc(16);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(LAYOUT, 8);
  head.writeUInt32LE(skeleton.length, 12);
  const body = Buffer.concat([head, skeleton, Buffer.alloc(pad8(16 + skeleton.length)), ...blobs]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/**
 * The tree back, its typed arrays views of the bytes (copied once, when the bytes are not
 * 8-aligned in memory). Throws BinaryArtifactError on a checksum mismatch or anything malformed.
 */
export function unpackBinary(input: Uint8Array): unknown {
  if (!isBinaryArtifact(input)) throw new BinaryArtifactError('not a binary model artifact');
  if (input.length < 16 + 32) throw new BinaryArtifactError('binary model artifact is truncated');
  const body = input.subarray(0, input.length - 32);
  const sum = createHash('sha256').update(body).digest();
  if (!sum.equals(Buffer.from(input.buffer, input.byteOffset + input.length - 32, 32)))
    throw new BinaryArtifactError('model artifact is corrupt: checksum mismatch');
  // typed arrays need their element alignment: one copy when the bytes arrived unaligned
  const bytes = input.byteOffset % 8 === 0 ? body : new Uint8Array(body);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!READS.has(view.getUint32(8, true)))
    throw new BinaryArtifactError(
      `binary model artifact layout ${view.getUint32(8, true)} is not one this eightball reads`,
    );
  const skLen = view.getUint32(12, true);
  if (16 + skLen > bytes.length) throw new BinaryArtifactError('binary model artifact is truncated');
  const skeleton = JSON.parse(
    Buffer.from(bytes.buffer, bytes.byteOffset + 16, skLen).toString('utf8'),
  ) as unknown;
  const base = 16 + skLen + pad8(16 + skLen);
  const at = (offset: number, len: number) => {
    if (!Number.isInteger(offset) || offset < 0 || base + offset + len > bytes.length)
      throw new BinaryArtifactError('binary model artifact: a blob lies outside the file');
    return bytes.byteOffset + base + offset;
  };
  const SIZE = { f32: 4, f16: 2, f64: 8, i32: 4, u32: 4, u8: 1 } as const;
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (!v || typeof v !== 'object') return v;
    const b = (v as { $b?: unknown }).$b;
    if (!Array.isArray(b)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
    const [type, offset, count] = b as [BlobType, number, number];
    if (!Number.isInteger(count) || count < 0)
      throw new BinaryArtifactError('binary model artifact: a bad blob length');
    if (type === 'str') {
      const start = at(offset, count * 4);
      const lengths = new Uint32Array(bytes.buffer, start, count);
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let p = start - bytes.byteOffset + count * 4;
      const out = new Array<string>(count);
      for (let i = 0; i < count; i++) {
        const n = lengths[i]!;
        if (p + n > buf.length)
          throw new BinaryArtifactError('binary model artifact: a string lies outside the file');
        out[i] = buf.toString('utf8', p, p + n);
        p += n;
      }
      return out;
    }
    const size = SIZE[type as keyof typeof SIZE];
    if (!size) throw new BinaryArtifactError(`binary model artifact: unknown blob type ${String(type)}`);
    const start = at(offset, count * size);
    if (type === 'f32') return new Float32Array(bytes.buffer, start, count);
    if (type === 'f16') {
      // 2-byte alignment holds: blobs start at 8-byte boundaries of an 8-aligned body
      return unpackHalf(new Uint16Array(bytes.buffer, start, count));
    }
    if (type === 'f64') return new Float64Array(bytes.buffer, start, count);
    if (type === 'i32') return new Int32Array(bytes.buffer, start, count);
    if (type === 'u32') return new Uint32Array(bytes.buffer, start, count);
    return new Uint8Array(bytes.buffer, start, count);
  };
  return revive(skeleton);
}
