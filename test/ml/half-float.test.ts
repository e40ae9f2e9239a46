import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packBinary, unpackBinary } from '../../src/ml/binary-artifact.ts';
import { halfBits, packHalf, roundToHalf, unpackHalf } from '../../src/ml/half-float.ts';

describe('half precision', () => {
  it('encodes the values IEEE 754 defines', () => {
    assert.equal(halfBits(1), 0x3c00);
    assert.equal(halfBits(-2), 0xc000);
    assert.equal(halfBits(65504), 0x7bff);
    assert.equal(halfBits(1e9), 0x7bff, 'clamped, not infinite');
    assert.equal(halfBits(-1e9), 0xfbff);
    assert.equal(halfBits(2 ** -24), 0x0001, 'smallest subnormal');
    assert.equal(halfBits(2 ** -26), 0, 'below half the smallest subnormal');
    assert.equal(halfBits(6.103515625e-5), 0x0400, 'smallest normal');
    assert.equal(halfBits(0.333251953125), 0x3555);
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa
    assert.equal(halfBits(1 + 2 ** -11), 0x3c00);
    assert.equal(halfBits(1 + 3 * 2 ** -11), 0x3c02);
  });

  it('rounds to the nearest half, within half a unit of the last place', () => {
    const a = Float32Array.from({ length: 20000 }, (_, i) => Math.sin(i * 7.3) * 10 ** ((i % 9) - 6));
    const r = roundToHalf(Float32Array.from(a));
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const err = Math.abs(r[i]! - x);
      // normal halves: relative error at most 2^-11; subnormals: absolute at most 2^-25
      assert.ok(err <= Math.max(Math.abs(x) * 2 ** -11, 2 ** -25) * (1 + 1e-6), `${x} → ${r[i]}`);
    }
    assert.deepEqual(
      Array.from(roundToHalf(Float32Array.from(r))),
      Array.from(r),
      'rounding twice changes nothing',
    );
    assert.deepEqual(Array.from(unpackHalf(packHalf(r)!)), Array.from(r));
    assert.equal(packHalf(Float32Array.from([0.1])), null, '0.1 is not a half');
  });

  it('lets the artifact keep a rounded array in two bytes a value and give the same values back', () => {
    const w = roundToHalf(Float32Array.from({ length: 4096 }, (_, i) => Math.cos(i) / (1 + i)));
    const raw = Float32Array.from({ length: 4096 }, (_, i) => Math.cos(i) / (1 + i));
    const half = packBinary({ w });
    const single = packBinary({ w: raw });
    assert.ok(half.length < single.length * 0.6, `${half.length} vs ${single.length} bytes`);
    const back = unpackBinary(half) as { w: Float32Array };
    assert.ok(back.w instanceof Float32Array);
    assert.deepEqual(Array.from(back.w), Array.from(w));
    assert.deepEqual(Array.from((unpackBinary(single) as { w: Float32Array }).w), Array.from(raw));
  });
});
