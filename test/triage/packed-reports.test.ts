import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PackedReports, PackedTexts } from '../../src/triage/packed-reports.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('packed report text', () => {
  it('gives back every text as added, across blocks, in any order of reading', () => {
    const texts = new PackedTexts();
    const kept: string[] = [];
    for (let i = 0; i < 3000; i++) {
      // ASCII, accented, astral (a surrogate pair), empty, and a lone surrogate UTF-8 cannot carry
      const t =
        i % 500 === 7
          ? `broken \ud800 surrogate ${i}`
          : i % 97 === 0
            ? ''
            : `report ${i}: crash in naïve 日本 ${'x'.repeat(i % 50)} 😀`;
      assert.equal(texts.add(t), i);
      kept.push(t);
    }
    assert.equal(texts.get(5), kept[5]);
    assert.ok(texts.bytes < kept.reduce((n, t) => n + t.length, 0), 'packed text is smaller');
    for (const i of [2999, 0, 1500, 1023, 1024, 7, 507, 2048, 2999, 1]) assert.equal(texts.get(i), kept[i]);
    for (let i = 0; i < kept.length; i++) assert.equal(texts.get(i), kept[i], `text ${i}`);
    assert.throws(() => texts.get(3000), /no text 3000/);
  });

  it('keeps a report equal in every field, and refuses changes to it', () => {
    const corpus = triageCorpus(1500);
    corpus[3] = { ...corpus[3]!, keywords: ['crash', 'regression'], labels: { team: 'core' } };
    corpus[4] = { ...corpus[4]!, filed: { ...corpus[4]!.filed, component: 'elsewhere' } };
    corpus[10] = { ...corpus[10]!, keywords: [] };
    corpus[11] = { ...corpus[11]!, keywords: [] };
    const packed = new PackedReports();
    const reports = corpus.map((r) => packed.add(r));
    const fields = Object.keys(corpus[0]!) as (keyof (typeof corpus)[0])[];
    reports.forEach((r, i) => {
      for (const f of fields) assert.deepEqual(r[f], corpus[i]![f], `report ${i} ${f}`);
    });
    assert.equal(reports[4]!.filed.component, 'elsewhere');
    // repeated values are one string, and one object where there are none
    assert.equal(reports[10]!.keywords, reports[11]!.keywords);
    assert.throws(() => {
      (reports[0] as { summary: string }).summary = 'changed';
    }, TypeError);
    assert.throws(() => {
      (reports[0] as { component: string | null }).component = 'changed';
    }, TypeError);
  });
});
