import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  BinaryArtifactError,
  isBinaryArtifact,
  packBinary,
  unpackBinary,
} from '../../src/ml/binary-artifact.ts';

describe('the binary artifact container', () => {
  const terms = Array.from({ length: 300 }, (_, i) => (i % 50 === 0 ? '' : `t${i}·é漢🙂`));
  const tree = {
    format: 'x',
    nested: [{ w: Float32Array.from([1.5, -2.25, 3e-8]), d: Float64Array.from([Math.PI]) }],
    ints: Int32Array.from([-1, 2 ** 31 - 1]),
    u: Uint32Array.from([2 ** 32 - 1]),
    bytes: new Uint8Array([0, 255]),
    terms,
    few: ['a', 'b'],
    n: 3,
    none: null,
  };

  it('gives back every value, typed arrays as views of 8-aligned bytes, long string lists whole', () => {
    const bytes = packBinary(tree);
    assert.ok(isBinaryArtifact(bytes));
    const back = unpackBinary(bytes) as typeof tree;
    assert.ok(back.nested[0]!.w instanceof Float32Array);
    assert.deepEqual(Array.from(back.nested[0]!.w), Array.from(tree.nested[0]!.w));
    assert.deepEqual(Array.from(back.nested[0]!.d), [Math.PI]);
    assert.deepEqual(Array.from(back.ints), [-1, 2 ** 31 - 1]);
    assert.deepEqual(Array.from(back.u), [2 ** 32 - 1]);
    assert.deepEqual(Array.from(back.bytes), [0, 255]);
    assert.deepEqual(back.terms, terms);
    assert.deepEqual(back.few, ['a', 'b']);
    assert.equal(back.n, 3);
    assert.equal(back.none, null);
    assert.equal(back.nested[0]!.w.byteOffset % 8, 0);
  });

  it('refuses a changed byte, a short file, another file, and the reserved key', () => {
    const bytes = packBinary(tree);
    for (const at of [9, 20, bytes.length - 40, bytes.length - 1]) {
      const bad = Buffer.from(bytes);
      bad[at]! ^= 1;
      assert.throws(() => unpackBinary(bad), BinaryArtifactError, `byte ${at}`);
    }
    assert.throws(() => unpackBinary(bytes.subarray(0, 30)), BinaryArtifactError);
    assert.throws(() => unpackBinary(Buffer.from('{"format":"json"}')), /not a binary model artifact/);
    assert.throws(() => packBinary({ a: { $b: 1 } }), /reserved/);
  });

  it('reads layout 1 (written before half-precision blobs) and refuses a layout it does not know', () => {
    const withLayout = (layout: number) => {
      const bytes = Buffer.from(packBinary(tree));
      bytes.writeUInt32LE(layout, 8);
      const body = bytes.subarray(0, bytes.length - 32);
      createHash('sha256')
        .update(body)
        .digest()
        .copy(bytes, bytes.length - 32);
      return bytes;
    };
    assert.deepEqual((unpackBinary(withLayout(1)) as typeof tree).terms, terms);
    assert.throws(() => unpackBinary(withLayout(3)), /layout 3 is not one this eightball reads/);
  });
});
