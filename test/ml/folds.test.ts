import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blockedFolds,
  selectModel,
  stratifiedFolds,
  type TokenizedDoc,
  tokenizeDoc,
} from '../../src/ml/index.ts';

const doc = (summary: string): TokenizedDoc => tokenizeDoc({ text: { summary, description: '' }, meta: {} });

describe('folds', () => {
  it('blocked folds hold out consecutive items, about equally many each', () => {
    const f = blockedFolds(10, 3);
    assert.deepEqual([...f], [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    for (let i = 1; i < f.length; i++) assert.ok(f[i]! >= f[i - 1]!);
    assert.deepEqual([...blockedFolds(2, 3)], [0, 1]);
  });

  it('stratified folds deal each class over every fold', () => {
    const y = Array.from({ length: 30 }, (_, i) => (i < 15 ? 'a' : 'b'));
    const f = stratifiedFolds(y, 3, 1);
    for (const c of ['a', 'b'])
      for (let k = 0; k < 3; k++)
        assert.equal(y.filter((v, i) => v === c && f[i] === k).length, 5, `class ${c} in fold ${k}`);
  });

  it('a search on blocked folds judges a period by a fit that saw none of it', () => {
    // a component that only exists in the newest third: random folds learn it from its own
    // period, blocked folds never can (as a model trained before it existed could not)
    const docs: TokenizedDoc[] = [];
    const y: string[] = [];
    for (let i = 0; i < 90; i++) {
      const fresh = i >= 60 && i % 2 === 0;
      docs.push(
        doc(fresh ? `wayland surface ${i % 5}` : i % 2 ? `socket timeout ${i % 7}` : `disk quota ${i % 3}`),
      );
      y.push(fresh ? 'Wayland' : i % 2 ? 'Network' : 'Storage');
    }
    const run = (blocked: boolean) =>
      selectModel(docs, y, [{ kind: 'svm', C: 1, classWeight: null }], {
        folds: 3,
        seed: 1,
        metric: 'accuracy',
        blockedFolds: blocked,
      }).candidates[0]!.accuracy;
    assert.ok(run(false) > 0.95, `random folds ${run(false)}`);
    // the newest third's 15 Wayland reports are all missed
    assert.ok(Math.abs(run(true) - 75 / 90) < 1e-9, `blocked folds ${run(true)}`);
  });
});
