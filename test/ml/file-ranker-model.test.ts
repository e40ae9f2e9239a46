import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { F, FEATURES, fileFeatures } from '../../src/ml/file-features.ts';
import { FileRankerModel } from '../../src/ml/file-ranker-model.ts';
import { ASPECTJ_FILES, aspectjIndex } from '../support/aspectj-files.ts';

const FILES = ASPECTJ_FILES;
const index = aspectjIndex();
const at = (path: string, feature: (typeof FEATURES)[number], X: Float64Array) =>
  X[index.indexOf(path)! * F + FEATURES.indexOf(feature)]!;

describe('the file ranker: the head of the ranking, and old models', () => {
  it("gives the text score's first file 1, the second 1/2, and nothing to a file the text does not match", () => {
    const X = fileFeatures(
      index,
      {
        text: 'lost insert keys of declare error messages\nseen while FileUtil copies',
        summary: 'lost insert keys',
        time: 0,
        component: null,
      },
      [],
    );
    const byText = Object.keys(FILES).sort((a, b) => at(b, 'text', X) - at(a, 'text', X));
    assert.ok(at(byText[0]!, 'text', X) > at(byText[1]!, 'text', X));
    assert.ok(at(byText[1]!, 'text', X) > 0);
    assert.equal(at(byText[0]!, 'textTop', X), 1);
    assert.equal(at(byText[1]!, 'textTop', X), 0.5);
    const unmatched = Object.keys(FILES).filter((f) => at(f, 'text', X) === 0);
    assert.ok(unmatched.length > 0);
    for (const f of unmatched) assert.equal(at(f, 'textTop', X), 0);
  });

  it('loads a model trained before a feature existed with that weight 0, and refuses an unknown one', () => {
    const repository = { name: 'r', path: '/r', branch: 'main', webUrl: null };
    const weights = Float64Array.from(FEATURES, (_, k) => k + 1);
    const saved = new FileRankerModel(weights, [], repository).toJSON() as Record<string, unknown>;
    assert.deepEqual([...FileRankerModel.fromJSON(saved).weights], [...weights]);
    const older = { ...saved, features: FEATURES.slice(0, -1), weights: [...weights].slice(0, -1) };
    const loaded = FileRankerModel.fromJSON(older).weights;
    assert.equal(loaded[F - 1], 0);
    assert.equal(loaded[0], 1);
    assert.throws(
      () => FileRankerModel.fromJSON({ ...saved, features: ['text', 'telepathy'], weights: [1, 2] }),
      /feature "telepathy" is not this build’s/,
    );
  });
});
