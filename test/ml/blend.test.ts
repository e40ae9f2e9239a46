import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blendSpecs,
  CODE_TOKENIZER,
  compareBlendHeldOut,
  createRng,
  cvMetrics,
  DEFAULT_VECTORIZER,
  deserializeClassifier,
  FittedBlend,
  FittedTextClassifier,
  fitBlend,
  MultilabelClassifier,
  PLAIN_TOKENIZER,
  type RawDoc,
  selectEnsemble,
  serializeClassifier,
  TextClassifier,
  type TokenizerSpec,
  tokenizeDoc,
  tokenizerOptions,
  withTemperatures,
} from '../../src/ml/index.ts';

/** n × 3 scores that put `margin` on the true class for the rows `knows` says, nothing elsewhere */
function scores(y: Int32Array, knows: (i: number) => boolean, margin: number): Float64Array {
  const s = new Float64Array(y.length * 3);
  for (let i = 0; i < y.length; i++) if (knows(i)) s[i * 3 + y[i]!] = margin;
  return s;
}

function meanLogLikelihoodOf(p: Float64Array, y: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += Math.log(p[i * 3 + y[i]!]!);
  return sum / y.length;
}

describe('selectEnsemble', () => {
  const y = Int32Array.from({ length: 300 }, (_, i) => i % 3);
  it('blends two candidates that know different rows, and leaves out one that knows nothing', () => {
    const a = scores(y, (i) => i < 150, 4);
    const b = scores(y, (i) => i >= 150, 4);
    const blank = new Float64Array(y.length * 3);
    const choice = selectEnsemble([blank, a, b], y, 3, 10);
    assert.equal(choice.counts[0], 0);
    assert.ok(choice.counts[1]! > 0 && choice.counts[2]! > 0, `counts ${choice.counts}`);
    assert.ok(choice.counts.reduce((s, c) => s + c, 0) <= 10);
    // the blend beats either alone on the rows it was chosen on
    for (const one of [a, b]) {
      const alone = selectEnsemble([one], y, 3, 10);
      assert.ok(choice.logLikelihood > alone.logLikelihood + 0.05);
    }
  });

  it('keeps one candidate alone when another adds nothing, and a copy of it adds nothing either', () => {
    const rng = createRng(3);
    const good = scores(y, () => rng() < 0.9, 3);
    const copy = Float64Array.from(good);
    const choice = selectEnsemble([good, copy], y, 3, 10);
    assert.deepEqual(
      choice.counts.map((c) => c > 0),
      [true, false],
    );
  });

  it('holds at most maxMembers different candidates, each fitted and asked for every answer', () => {
    const quarters = [0, 1, 2, 3].map((q) => scores(y, (i) => Math.floor(i / 75) === q, 4));
    const two = selectEnsemble(quarters, y, 3, 10, 2);
    assert.equal(two.counts.filter((n) => n > 0).length, 2);
    const four = selectEnsemble(quarters, y, 3, 10, 4);
    assert.equal(four.counts.filter((n) => n > 0).length, 4);
    assert.ok(four.logLikelihood > two.logLikelihood);
  });

  it('reports the log-likelihood of the blend it chose', () => {
    const a = scores(y, (i) => i % 2 === 0, 2);
    const b = scores(y, (i) => i % 5 !== 0, 2);
    const choice = selectEnsemble([a, b], y, 3, 6);
    const sum = new Float64Array(y.length * 3);
    let picks = 0;
    [a, b].forEach((s, c) => {
      const t = choice.temperatures[c]!;
      for (let i = 0; i < y.length; i++) {
        let z = 0;
        for (let k = 0; k < 3; k++) z += Math.exp(s[i * 3 + k]! / t);
        for (let k = 0; k < 3; k++) sum[i * 3 + k]! += (choice.counts[c]! * Math.exp(s[i * 3 + k]! / t)) / z;
      }
      picks += choice.counts[c]!;
    });
    for (let j = 0; j < sum.length; j++) sum[j]! /= picks;
    assert.ok(Math.abs(meanLogLikelihoodOf(sum, y) - choice.logLikelihood) < 1e-9);
  });
});

describe('compareBlendHeldOut', () => {
  const y = Int32Array.from({ length: 600 }, (_, i) => i % 3);
  const meanScore = (pred: Int32Array, truth: Int32Array) => {
    const m = cvMetrics(pred, truth, 3);
    return (m.accuracy + m.macroF1) / 2;
  };
  const opts = { repeats: 3, seed: 7 };

  it('finds a blend of two candidates that know different rows better on rows it was not chosen on', () => {
    const rng = createRng(5);
    const a = scores(y, (i) => i % 2 === 0 || rng() < 0.3, 3);
    const b = scores(y, (i) => i % 2 === 1 || rng() < 0.3, 3);
    const cmp = compareBlendHeldOut([a, b], y, 3, meanScore, opts);
    assert.equal(cmp.halves, 6);
    // either alone is right on about 65% of rows, the blend on about 88%
    assert.ok(cmp.gain > 0.1, `gain ${cmp.gain}`);
  });

  it('sees no gain where the blend can only repeat the best candidate', () => {
    const rng = createRng(9);
    const good = scores(y, () => rng() < 0.8, 3);
    const cmp = compareBlendHeldOut([good, Float64Array.from(good)], y, 3, meanScore, opts);
    assert.equal(cmp.gain, 0);
  });

  it('prefers a blend of equally noisy candidates, and repeats itself given the seed', () => {
    // thirty candidates each right on a random 60% of rows: averaging a few cancels their
    // independent mistakes, which the halves see although each blend is chosen on the other half
    const rng = createRng(11);
    const noisy = Array.from({ length: 30 }, () => scores(y, () => rng() < 0.6, 2));
    const cmp = compareBlendHeldOut(noisy, y, 3, meanScore, opts);
    assert.ok(cmp.gain > 0.05, `gain ${cmp.gain}`);
    assert.deepEqual(compareBlendHeldOut(noisy, y, 3, meanScore, opts), cmp);
  });
});

/** Short reports whose class shows in a question's wording (stop words) or in an identifier. */
function reports(n: number, seed: number): { raw: RawDoc[]; y: string[] } {
  const rng = createRng(seed);
  const pick = (xs: string[]) => xs[Math.floor(rng() * xs.length)]!;
  const raw: RawDoc[] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const noise = `${pick(['window', 'page', 'menu', 'toolbar'])} ${pick(['today', 'again', 'sometimes'])}`;
    const summary = [
      `crash in ${pick(['parseHeader', 'loadConfig', 'renderFrame'])} ${noise}`,
      `add option for ${pick(['darkMode', 'exportPdf', 'autoSave'])} ${noise}`,
      `how do i ${pick(['open', 'use', 'find'])} the ${noise}?`,
    ][k]!;
    raw.push({ text: { summary, description: noise }, meta: {} });
    y.push(['bug', 'feature', 'question'][k]!);
  }
  return { raw, y };
}

function fitted(tokenizer: TokenizerSpec, raw: RawDoc[], y: string[], temperature: number) {
  const opts = tokenizerOptions(tokenizer);
  const c = new TextClassifier({
    vectorizer: DEFAULT_VECTORIZER,
    model: { kind: 'logreg', C: 10, classWeight: 'balanced' },
    seed: 1,
    tokenizer,
  }).fit(
    raw.map((d) => tokenizeDoc(d, opts)),
    y,
  );
  return withTemperatures(c, [temperature]);
}

describe('a blend of classifiers', () => {
  const train = reports(120, 1);
  const test = reports(30, 2);
  const specs = [
    {
      params: {
        vectorizer: DEFAULT_VECTORIZER,
        model: { kind: 'logreg', C: 10, classWeight: 'balanced' } as const,
        seed: 1,
        tokenizer: PLAIN_TOKENIZER,
      },
      weight: 0.3,
      temperature: 0.8,
    },
    {
      params: {
        vectorizer: DEFAULT_VECTORIZER,
        model: { kind: 'logreg', C: 10, classWeight: 'balanced' } as const,
        seed: 1,
        tokenizer: CODE_TOKENIZER,
      },
      weight: 0.7,
      temperature: 1.5,
    },
  ];
  const docsFor = (t: TokenizerSpec | undefined) => train.raw.map((d) => tokenizeDoc(d, tokenizerOptions(t)));
  const blend = fitBlend(specs, docsFor, train.y);
  const code = fitted(CODE_TOKENIZER, train.raw, train.y, 1.5);
  const plain = fitted(PLAIN_TOKENIZER, train.raw, train.y, 0.8);

  it('puts the heaviest member first and answers the weighted mean of the members’ probabilities', () => {
    assert.deepEqual(blend.params.tokenizer, CODE_TOKENIZER);
    assert.deepEqual(
      blend.members().map((m) => m.weight),
      [0.7, 0.3],
    );
    for (const d of test.raw) {
      const p = blend.predictProba([blend.tokenize(d)]);
      const pc = code.predictProba([code.tokenize(d)]);
      const pp = plain.predictProba([plain.tokenize(d)]);
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(p[k]! - (0.7 * pc[k]! + 0.3 * pp[k]!)) < 1e-9);
      const ranked = blend.predict(blend.tokenize(d));
      assert.equal(ranked[0]!.probability, Math.max(...p));
    }
  });

  it('goes from raw fields to the same probabilities in one call (predictRaw)', () => {
    const raw = test.raw.slice(0, 5);
    assert.deepEqual(
      Array.from(blend.predictRaw(raw)),
      Array.from(blend.predictProba(raw.map((d) => blend.tokenize(d)))),
    );
    assert.deepEqual(
      Array.from(code.predictRaw(raw)),
      Array.from(code.predictProba(raw.map((d) => code.tokenize(d)))),
    );
  });

  it('answers documents another task’s classifier tokenised (a service tokenises once per tokenizer)', () => {
    // a multi-label classifier with the blend's lead tokenizer, as a team task beside it would be
    const multi = new MultilabelClassifier({
      vectorizer: DEFAULT_VECTORIZER,
      tokenizer: CODE_TOKENIZER,
      C: 1,
    }).fit(
      docsFor(CODE_TOKENIZER),
      train.y.map((l) => (l === 'bug' ? ['bug'] : [])),
      ['bug'],
    );
    for (const d of test.raw.slice(0, 5)) {
      const shared = multi.tokenize(d);
      assert.deepEqual(
        Array.from(blend.predictProba([shared])),
        Array.from(blend.predictProba([blend.tokenize(d)])),
      );
    }
  });

  it('explains with terms of both tokenizers: the question wording only the plain member keeps', () => {
    const d = blend.tokenize({ text: { summary: 'how do i use the toolbar?', description: '' }, meta: {} });
    const [top] = blend.explain(d, 1, 8);
    assert.equal(top!.label, 'question');
    const terms = top!.because.map((b) => b.feature);
    // "how" is a stop word for the code-aware tokenizer: only the plain member can see it
    assert.ok(
      terms.some((t) => t.includes('how')),
      `terms ${terms}`,
    );
    const total = top!.because.reduce((s, b) => s + b.weight, 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
  });

  it('survives an artifact round trip with the same answers', () => {
    const back = deserializeClassifier(serializeClassifier(blend));
    assert.equal(back.members().length, 2);
    for (const d of test.raw)
      assert.deepEqual(back.predict(back.tokenize(d)), blend.predict(blend.tokenize(d)));
  });

  it('refuses a document it cannot re-read for a member that tokenises differently', () => {
    const bare = tokenizeDoc(test.raw[0]!, tokenizerOptions(CODE_TOKENIZER));
    assert.throws(() => blend.predictProba([bare]), /must come from its tokenize/);
  });

  it('refits from its specs and takes new temperatures member by member', () => {
    const again = fitBlend(blendSpecs(blend), docsFor, train.y);
    const d = again.tokenize(test.raw[0]!);
    assert.deepEqual(again.predictProba([d]), blend.predictProba([d]));
    const sharper = withTemperatures(blend, [0.2, null]);
    assert.deepEqual(
      sharper.members().map((m) => m.classifier.temperature),
      [0.2, 0.8],
    );
    assert.notDeepEqual(sharper.predictProba([d]), blend.predictProba([d]));
  });

  it('one member is a plain classifier, and partners must share the classes', () => {
    const one = fitBlend([specs[1]!], docsFor, train.y);
    assert.ok(one instanceof FittedTextClassifier, 'one member is a classifier alone, not a blend');
    const two = fitted(
      CODE_TOKENIZER,
      train.raw.slice(0, 60),
      train.y.map((l) => (l === 'question' ? 'bug' : l)).slice(0, 60),
      1,
    );
    assert.throws(
      () =>
        new FittedBlend([
          { classifier: code as FittedTextClassifier, weight: 0.5 },
          { classifier: two as FittedTextClassifier, weight: 0.5 },
        ]),
      /same classes/,
    );
  });
});
