import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EntryReader, EntryWriter, MAX_TERM, renamedLength } from '../../src/ml/entry-codec.ts';
import { createRng } from '../../src/ml/random.ts';

describe('counted entries as bytes', () => {
  it('gives back every document’s terms and counts in their order: rising, falling, large, empty', () => {
    const rand = createRng(7);
    const docs: [number, number][][] = [
      [],
      [[0, 1]],
      [
        [MAX_TERM, 65535],
        [0, 2],
        [MAX_TERM, 1],
      ],
      [
        [5, 1],
        [3, 1],
        [3, 130],
      ],
    ];
    for (let d = 0; d < 300; d++) {
      const n = Math.floor(rand() * 400);
      const doc: [number, number][] = [];
      for (let k = 0; k < n; k++) {
        const term = Math.floor(rand() ** 3 * 20_000_000);
        const count = rand() < 0.8 ? 1 : 1 + Math.floor(rand() ** 4 * 65534);
        doc.push([term, count]);
      }
      docs.push(doc);
    }
    const w = new EntryWriter(16);
    const starts: number[] = [];
    for (const doc of docs) {
      starts.push(w.length);
      w.beginDoc();
      for (const [t, c] of doc) w.push(t, c);
    }
    starts.push(w.length);
    const r = new EntryReader();
    docs.forEach((doc, d) => {
      const m = r.read(w.bytes, starts[d]!, starts[d + 1]!);
      assert.equal(m, doc.length, `document ${d}`);
      const got = Array.from({ length: m }, (_, k): [number, number] => [r.term[k]!, r.count[k]!]);
      assert.deepEqual(got, doc, `document ${d}`);
    });
    // read out of order, as a fit of some rows reads them
    for (const d of [5, 2, 300, 3]) {
      const m = r.read(w.bytes, starts[d]!, starts[d + 1]!);
      assert.deepEqual(
        Array.from(r.term.subarray(0, m)),
        docs[d]!.map(([t]) => t),
      );
    }
  });

  it('takes a byte an entry where terms rise by less than 32 and occur once (six as an Int32 and a Uint16)', () => {
    const w = new EntryWriter();
    w.beginDoc();
    for (let t = 0; t < 100_000; t += 31) w.push(t, 1);
    const entries = Math.ceil(100_000 / 31);
    assert.ok(w.length <= entries, `${w.length} bytes for ${entries} entries`);
  });

  it('refuses a term or count it cannot carry', () => {
    const w = new EntryWriter();
    w.beginDoc();
    assert.throws(() => w.push(MAX_TERM + 1, 1), /out of range/);
    assert.throws(() => w.push(-1, 1), /out of range/);
    assert.throws(() => w.push(3, 0), /out of range/);
    assert.throws(() => w.push(3, 65536), /out of range/);
  });

  it('says exactly how many bytes documents take once their terms are renamed, some dropped', () => {
    const rand = createRng(5);
    const n = 200_000;
    // a new name for each term: far larger (longer differences), or -1 (dropped)
    const rename = Int32Array.from({ length: n }, () =>
      rand() < 0.1 ? -1 : Math.floor(rand() ** 2 * (MAX_TERM >> 2)),
    );
    const docs = Array.from({ length: 200 }, () =>
      Array.from({ length: Math.floor(rand() * 300) }, (): [number, number] => [
        Math.floor(rand() * n),
        rand() < 0.7 ? 1 : 1 + Math.floor(rand() * 1000),
      ]),
    );
    const w = new EntryWriter(16);
    const renamed = new EntryWriter(16);
    const starts = [0];
    for (const doc of docs) {
      w.beginDoc();
      renamed.beginDoc();
      for (const [t, c] of doc) {
        w.push(t, c);
        if (rename[t]! >= 0) renamed.push(rename[t]!, c);
      }
      starts.push(w.length);
    }
    assert.equal(renamedLength(w.bytes, Int32Array.from(starts), docs.length, rename), renamed.length);
  });
});
