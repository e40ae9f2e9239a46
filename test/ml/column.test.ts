import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Column, int32, uint16 } from '../../src/ml/column.ts';

describe('a growable column', () => {
  it('keeps its values through growth and a reservation, and reserves exactly what is asked', () => {
    const c = new Column(int32, 4);
    for (let i = 0; i < 10; i++) c.push(i * 3);
    c.reserve(1000);
    assert.equal(c.data.length, 1000);
    assert.equal(c.length, 10);
    for (let i = 10; i < 1000; i++) c.push(i * 3);
    assert.equal(c.data.length, 1000, 'no growth past the reservation');
    assert.deepEqual([...c.data.subarray(0, 12)], [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33]);
    assert.equal(c.data[999], 2997);
    c.reserve(10);
    assert.equal(c.data.length, 1000, 'a smaller reservation changes nothing');
  });

  it('holds 16-bit counts in a 16-bit column', () => {
    const c = new Column(uint16, 2);
    c.push(65535);
    c.push(7);
    c.push(1);
    assert.deepEqual([...c.data.subarray(0, c.length)], [65535, 7, 1]);
  });
});
