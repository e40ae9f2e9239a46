/**
 * IEEE 754 half precision (1 sign, 5 exponent, 10 mantissa bits) for model weights. A linear
 * model's weights are rounded to the half-precision grid when it is fitted, so the artifact can
 * keep them in two bytes each without changing a single answer between the model that was
 * evaluated and the one that is served (Node 20 has no Float16Array; these are the conversions).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** the largest finite half, 65504: a weight past it is clamped rather than made infinite */
const MAX_HALF_BITS = 0x7bff;

/** The half-precision bits nearest `x` (ties to even; beyond ±65504 clamped; NaN stays NaN). */
export function halfBits(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return mant ? 0x7e00 : sign | MAX_HALF_BITS;
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | MAX_HALF_BITS;
  if (e <= 0) {
    // below the smallest normal half: a subnormal, or zero
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | Math.min(h, MAX_HALF_BITS);
}

let table: Float32Array | null = null;

/** Every half's value, indexed by its bits (built once: 256 KiB). */
function halfTable(): Float32Array {
  if (table) return table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) t[h] = sign * m * 2 ** -24;
    else if (e === 0x1f) t[h] = m ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else t[h] = sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  table = t;
  return t;
}

/** `a` with every value replaced by the nearest half-precision value, in place. */
export function roundToHalf(a: Float32Array): Float32Array {
  const t = halfTable();
  for (let i = 0; i < a.length; i++) a[i] = t[halfBits(a[i]!)]!;
  return a;
}

/** The values as half-precision bits, or null when one of them is not exactly a half. */
export function packHalf(a: Float32Array): Uint16Array | null {
  const t = halfTable();
  const out = new Uint16Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    const h = halfBits(v);
    if (t[h] !== v) return null;
    out[i] = h;
  }
  return out;
}

/** Half-precision bits back to single-precision values. */
export function unpackHalf(bits: Uint16Array): Float32Array {
  const t = halfTable();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]!]!;
  return out;
}
