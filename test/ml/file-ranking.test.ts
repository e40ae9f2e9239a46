import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankingMetrics } from '../../src/evaluation/ranking-metrics.ts';
import { codeTerms, codeTokens, namedIdentifiers, stackFrames } from '../../src/ml/code-terms.ts';
import { F, FEATURES, fileFeatures, termCounts } from '../../src/ml/file-features.ts';
import { defaultWeights, rankFiles } from '../../src/ml/file-ranker.ts';
import { historyIndex } from '../../src/ml/history-index.ts';
import { fitListwiseRanker, fitPairwiseRanker, topIndices } from '../../src/ml/pairwise-ranker.ts';
import { createRng } from '../../src/ml/random.ts';
import { aspectjIndex, ASPECTJ_FILES as FILES } from '../support/aspectj-files.ts';

const index = aspectjIndex();
const path = (i: number) => index.paths[i]!;

describe('terms of code and of reports', () => {
  it('splits identifiers, keeps the whole, drops keywords and stop words', () => {
    assert.deepEqual(codeTokens('public void prepareForMungers() the_end'), [
      'prepareformungers',
      'prepare',
      'mungers',
      'the_end',
      'end',
    ]);
    const t = codeTerms('a/BcelShadow.java', FILES['weaver/src/org/aspectj/weaver/bcel/BcelShadow.java']!);
    assert.deepEqual(t.classes, ['BcelShadow']);
    assert.deepEqual(t.methods, ['prepareForMungers']);
    assert.ok(t.counts.get('shadow')! >= 2, 'from the path and the code');
  });

  it('reads stack frames topmost first, inner classes as their outer file', () => {
    const frames = stackFrames(
      'java.lang.NullPointerException\n\tat org.aspectj.weaver.bcel.BcelShadow$1.prepare(BcelShadow.java:12)\n\tat org.aspectj.util.FileUtil.copyFile(FileUtil.java:3)',
    );
    assert.deepEqual(
      frames.map((f) => [f.className, f.method, f.file]),
      [
        ['org.aspectj.weaver.bcel.BcelShadow', 'prepare', 'BcelShadow.java'],
        ['org.aspectj.util.FileUtil', 'copyFile', 'FileUtil.java'],
      ],
    );
    assert.ok(namedIdentifiers('the Checker and insertKeys fail').has('insertKeys'));
  });
});

describe('ranking files', () => {
  it('BM25 puts the file that shares the rare words first', () => {
    const s = index.bm25(termCounts('declare error messages lose the insert keys'));
    assert.equal(path(topIndices(s, 1)[0]!), 'weaver/src/org/aspectj/weaver/Checker.java');
  });

  it("a stack trace's top frame outweighs a lower one, and a named class counts", () => {
    const X = fileFeatures(
      index,
      {
        text: 'NPE\n at org.aspectj.weaver.bcel.BcelShadow.prepare(BcelShadow.java:1)\n at org.aspectj.util.FileUtil.copyFile(FileUtil.java:2)',
        time: 0,
        component: null,
      },
      [],
    );
    const stack = FEATURES.indexOf('stack');
    const bcel = index.indexOf('weaver/src/org/aspectj/weaver/bcel/BcelShadow.java')!;
    const util = index.indexOf('util/src/org/aspectj/util/FileUtil.java')!;
    assert.equal(X[bcel * F + stack], 1);
    assert.equal(X[util * F + stack], 0.5);
    assert.equal(X[index.indexOf('weaver/src/org/aspectj/weaver/Checker.java')! * F + stack], 0);
  });

  it('earlier fixes of similar reports, and only those before it was filed, point at their files', () => {
    const history = [
      {
        id: 'r1',
        time: 10,
        files: ['util/src/org/aspectj/util/FileUtil.java'],
        terms: termCounts('copying a jar fails'),
        component: null,
      },
    ];
    const r = rankFiles(
      index,
      { text: 'copying a jar fails again', time: 20, component: null },
      history,
      defaultWeights(),
      3,
    );
    assert.equal(r.files[0]!.path, 'util/src/org/aspectj/util/FileUtil.java');
    assert.ok(
      r.files[0]!.why.some((w) =>
        /similar earlier reports, most like r1|earlier reports in these words/.test(w),
      ),
      r.files[0]!.why.join('; '),
    );
    assert.equal(r.directories[0]!.path, 'util/src/org/aspectj/util');
  });

  it('a reason names the stack frame and the class the report names', () => {
    const r = rankFiles(
      index,
      {
        text: 'NPE in BcelShadow\n at org.aspectj.weaver.bcel.BcelShadow.prepare(BcelShadow.java:1)',
        time: 0,
        component: null,
      },
      [],
      defaultWeights(),
      1,
    );
    const why = r.files[0]!.why.join('; ');
    assert.match(why, /holds org\.aspectj\.weaver\.bcel\.BcelShadow\.prepare of the report's stack trace/);
    assert.match(why, /the report names BcelShadow/);
  });

  it("history only: the files earlier fixes touched, found by their fixers' words", () => {
    const h = historyIndex([
      { time: 1, files: ['a/Parser.java'], terms: termCounts('syntax error in select'), component: null },
      { time: 2, files: ['b/Cache.java'], terms: termCounts('stale cache entries'), component: null },
    ]);
    assert.deepEqual([...h.paths].sort(), ['a/Parser.java', 'b/Cache.java']);
    assert.equal(h.paths[topIndices(h.bm25(termCounts('select syntax')), 1)[0]!], 'a/Parser.java');
    assert.deepEqual(h.declaring('Parser'), [h.indexOf('a/Parser.java')]);
  });
});

describe('learning to rank', () => {
  // feature 0 is noise, feature 1 tells the right file: the learnt weights must say so
  function groups(seed: number) {
    const rng = createRng(seed);
    return Array.from({ length: 40 }, () => {
      const n = 50;
      const X = new Float64Array(n * 2);
      const right = Math.floor(rng() * n);
      for (let i = 0; i < n; i++) {
        X[i * 2] = rng();
        X[i * 2 + 1] = (i === right ? 0.6 : 0) + rng() * 0.5;
      }
      return { X, relevant: [right] };
    });
  }
  for (const [name, fit] of [
    ['listwise', (g: ReturnType<typeof groups>) => fitListwiseRanker(g, 2)],
    ['pairwise', (g: ReturnType<typeof groups>) => fitPairwiseRanker(g, 2, { prior: [1, 1] })],
  ] as const)
    it(`${name}: weighs the telling feature over the noise`, () => {
      const { weights } = fit(groups(1));
      assert.ok(weights[1]! > 5 * Math.abs(weights[0]!), `weights ${[...weights]}`);
    });
});

describe('ranking metrics', () => {
  it('computes top-k, MAP and MRR as the benchmarks do', () => {
    const m = rankingMetrics([[1], [2, 4], [11], []]);
    assert.equal(m.top1, 0.25);
    assert.equal(m.top5, 0.5);
    assert.equal(m.top10, 0.5);
    // AP: 1; (1/2 + 2/4)/2 = 0.5; 1/11; 0
    assert.ok(Math.abs(m.map - (1 + 0.5 + 1 / 11) / 4) < 1e-12);
    assert.ok(Math.abs(m.mrr - (1 + 0.5 + 1 / 11) / 4) < 1e-12);
    assert.equal(m.topK.length, 20);
    assert.equal(m.topK[10], 0.75);
  });
});
