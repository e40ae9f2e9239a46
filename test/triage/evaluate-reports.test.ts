import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadReports } from '../../src/sources/load-reports.ts';
import { evaluateReports } from '../../src/triage/evaluate-reports.ts';
import { evaluationHtml } from '../../src/triage/evaluation-report.ts';
import { parseLabelMap } from '../../src/triage/tasks/label-map.ts';
import { makeReport } from '../support/reports.ts';
import { sharedFile, skipUnlessShared } from '../support/shared-data.ts';

const TOPICS: Record<string, string[]> = {
  Networking: [
    'socket timeout',
    'proxy auth fails',
    'dns lookup hangs',
    'http2 connection reset',
    'tls handshake error',
  ],
  Graphics: [
    'webgl context lost',
    'canvas draws blurry',
    'shader compile error',
    'gpu process crash',
    'svg filter slow',
  ],
  Storage: [
    'indexeddb quota exceeded',
    'cache corrupt after update',
    'localStorage lost',
    'disk full write fails',
    'sqlite busy',
  ],
};

function corpus(n: number) {
  const reports = [];
  for (let i = 0; i < n; i++) {
    const component = Object.keys(TOPICS)[i % 3]!;
    const phrases = TOPICS[component]!;
    reports.push(
      makeReport({
        externalId: String(1000 + i),
        summary: `${phrases[i % 5]} on page load`,
        description: `Steps: open the site. ${phrases[(i + 2) % 5]} again.`,
        component,
        createdAt: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString(),
      }),
    );
  }
  // a rare class that must be dropped, and reported
  reports.push(
    makeReport({
      externalId: '9999',
      summary: 'typo in about dialog',
      component: 'About',
      createdAt: '2020-01-02T00:00:00.000Z',
    }),
  );
  return reports;
}

describe('evaluateReports', () => {
  it('trains on the oldest, tests on the newest, drops rare classes, and measures everything', () => {
    const r = evaluateReports(corpus(120), {
      label: 'component',
      split: { kind: 'time' },
      model: 'auto',
      seed: 1,
    });
    assert.equal(r.nTrain + r.nTest, 120);
    assert.equal(r.nTest, 30);
    assert.equal(r.classes, 3);
    assert.deepEqual(r.droppedClasses, [{ label: 'About', trainCount: 1 }]);
    assert.ok(r.accuracy > 0.9, `accuracy ${r.accuracy}`);
    for (const k of [
      'macroF1',
      'microF1',
      'weightedF1',
      'top3',
      'auc',
      'brier',
      'ece',
      'fitSeconds',
      'predictMsPerReport',
    ] as const) {
      assert.equal(typeof r[k], 'number', k);
    }
    assert.equal(r.perClass.length, 3);
    assert.ok(r.candidates.length >= 5, 'auto tried several models');
    assert.match(r.model, /^(svm|nb|logreg)\(/);
  });

  it('k-fold tests every report once; group-by gives one result per group and their mean', () => {
    const kf = evaluateReports(corpus(90), {
      label: 'component',
      split: { kind: 'kfold', k: 3 },
      model: 'nb',
      seed: 1,
      minClassSize: 2,
    });
    assert.equal(kf.nTest, 90);
    const reports = corpus(120).map((r, i) => ({ ...r, product: i % 2 === 0 ? 'Firefox' : 'Thunderbird' }));
    const g = evaluateReports(reports, {
      label: 'component',
      split: { kind: 'random' },
      groupBy: 'product',
      model: 'svm',
      seed: 1,
    });
    assert.deepEqual(
      g.groups?.map((x) => x.group),
      ['Firefox', 'Thunderbird'],
    );
    const mean = (g.groups![0]!.accuracy + g.groups![1]!.accuracy) / 2;
    assert.ok(Math.abs(g.accuracy - mean) < 1e-12);
  });

  it('chooses the model on a sample of a large training set, then fits on all of it', () => {
    const time = { label: 'component', split: { kind: 'time' } as const, model: 'auto' as const, seed: 1 };
    const all = evaluateReports(corpus(120), time);
    assert.equal(all.nSelection, all.nTrain);
    const sampled = evaluateReports(corpus(120), { ...time, selectionSample: 30 });
    assert.equal(sampled.nSelection, 30);
    assert.equal(sampled.nTrain, all.nTrain);
    assert.equal(sampled.nTest, all.nTest);
    assert.ok(sampled.accuracy > 0.9, `accuracy ${sampled.accuracy}`);
  });

  it('counts a large training set once: its fits read the counts, which cover every report', () => {
    const time = {
      label: 'component',
      split: { kind: 'time' } as const,
      model: 'svm' as const,
      seed: 1,
      keepModel: true,
    };
    const small = evaluateReports(corpus(120), time);
    assert.equal(small.counted, undefined, 'a training set the search reads whole is not counted');
    const large = evaluateReports(corpus(120), { ...time, selectionSample: 30 });
    const counted = large.counted!;
    assert.ok(counted, 'the counts are handed on');
    assert.equal(counted.corpus.size, counted.reports.length);
    // every labelled report, the rare class's one (dropped from the split) included
    assert.equal(counted.reports.length, 121);
    assert.equal(large.nTrain + large.nTest, 120);
    assert.ok(counted.corpus.answers(large.fitted!), 'the training side was fitted on the counts');
    assert.equal(large.accuracy, small.accuracy, 'the same model either way');
  });

  it('on a time split weighs recent reports more when told: a renamed component is answered by its new name', () => {
    // Storage's reports are filed under Persistence from the 60th on: the training side holds 20
    // under the old name and 10 under the new, the test side 10 under the new
    const renamed = corpus(120).map((r, i) =>
      r.component === 'Storage' && i >= 60 ? { ...r, component: 'Persistence' } : r,
    );
    const time = { label: 'component', split: { kind: 'time' } as const, model: 'svm' as const, seed: 1 };
    const alike = evaluateReports(renamed, time);
    const recent = evaluateReports(renamed, { ...time, recency: 0.25 });
    assert.doesNotMatch(alike.model, /recency/);
    assert.match(recent.model, /recency=0\.25/);
    const persistence = (r: typeof recent) => r.perClass.find((c) => c.label === 'Persistence')!.recall;
    assert.equal(persistence(recent), 1, 'every test report under the new name');
    assert.ok(persistence(recent) > persistence(alike), `alike ${persistence(alike)}`);
    // on a random split the rows are in no filing order: the setting does nothing
    const folds = evaluateReports(renamed, { ...time, split: { kind: 'kfold', k: 3 }, recency: 0.25 });
    assert.doesNotMatch(folds.model, /recency/);
  });

  it('keeps a model within its weight budget by keeping the most frequent features', () => {
    const time = { label: 'component', split: { kind: 'time' } as const, model: 'svm' as const, seed: 1 };
    const free = evaluateReports(corpus(120), { ...time, keepModel: true });
    const K = free.fitted!.classes.length;
    const budget = 8 * K;
    assert.ok(free.fitted!.vectorizer.nText > 8, `${free.fitted!.vectorizer.nText} features`);
    const capped = evaluateReports(corpus(120), { ...time, keepModel: true, maxModelWeights: budget });
    const v = capped.fitted!.vectorizer;
    assert.equal(v.nText, 8);
    assert.equal(v.params.maxFeatures, 8);
    // the most frequent features, laid out from the most frequent down (idf falls as df rises)
    const idf = Array.from(v.idf.subarray(0, v.nText));
    assert.deepEqual(
      idf,
      [...idf].sort((a, b) => a - b),
    );
    assert.ok(capped.accuracy > 0, 'a capped model still predicts');
  });

  it('pooled groups learn from the other groups, and a time split borrows only from the past', () => {
    const withProduct = (rs: ReturnType<typeof corpus>, product: (i: number) => string) =>
      rs.map((r, i) => ({ ...r, product: product(i) }));
    // Thunderbird has never seen a Storage report, yet its test reports are all Storage
    const all = withProduct(corpus(120).slice(0, 120), (i) => (i < 60 ? 'Firefox' : 'Thunderbird'));
    const tested = (r: (typeof all)[number], i: number) =>
      r.product === 'Thunderbird' ? r.component === 'Storage' : i >= 50;
    const train = all.filter((r, i) => !tested(r, i));
    const test = all.filter(tested);
    const fileSplit = {
      label: 'component',
      split: { kind: 'file' } as const,
      model: 'svm' as const,
      seed: 1,
    };
    const separate = evaluateReports(train, { ...fileSplit, testReports: test, groupBy: 'product' });
    assert.deepEqual(
      separate.skippedGroups?.map((g) => g.group),
      ['Thunderbird'],
      'alone, Thunderbird has no test report of a class it was trained on',
    );
    assert.match(separate.skippedGroups![0]!.reason, /no test report has a class seen in training/);
    const pooled = evaluateReports(train, {
      ...fileSplit,
      testReports: test,
      groupBy: 'product',
      poolGroups: true,
    });
    const tb = pooled.groups!.find((g) => g.group === 'Thunderbird')!;
    assert.equal(tb.nTrain, train.length);
    assert.equal(tb.nTest, test.length - 10);
    assert.ok(tb.accuracy > 0.9, `Thunderbird's Storage reports, accuracy ${tb.accuracy}`);

    // time split: Firefox's reports are the older half, so Thunderbird borrows all of them and
    // Firefox borrows none of Thunderbird's (all filed after Firefox's test period began)
    const time = { label: 'component', split: { kind: 'time' } as const, model: 'svm' as const, seed: 1 };
    const alone = evaluateReports(all, { ...time, groupBy: 'product' }).groups!;
    const lent = evaluateReports(all, { ...time, groupBy: 'product', poolGroups: true }).groups!;
    const n = (gs: typeof alone, g: string) => gs.find((x) => x.group === g)!.nTrain;
    assert.equal(n(lent, 'Firefox'), n(alone, 'Firefox'));
    assert.equal(n(lent, 'Thunderbird'), n(alone, 'Thunderbird') + 60);

    // the tail calibration takes the newest fifth of the training side, so borrowed reports must
    // take their place in time, not follow the group's own (here: all of them come first)
    const numbered = all.map((r, i) => ({ ...r, description: `${r.description} #${i}` }));
    const orders: number[][] = [];
    evaluateReports(numbered, {
      ...time,
      groupBy: 'product',
      poolGroups: true,
      onSplit: (tr) => orders.push(tr.map((x) => Number(/#(\d+)/.exec(x.text)![1]))),
    });
    assert.equal(orders.length, 2);
    const longest = orders.reduce((a, b) => (a.length >= b.length ? a : b));
    assert.equal(longest.length, n(lent, 'Thunderbird'));
    assert.ok(
      longest.slice(0, 60).every((i) => i < 60),
      'the borrowed Firefox reports come first',
    );
    for (const o of orders) for (let k = 1; k < o.length; k++) assert.ok(o[k - 1]! < o[k]!, `${o}`);
  });

  it('pooled groups learn what words mean in their own group, from copies of the text only it fills', () => {
    // the same words name the other component in Thunderbird: a pooled model without the copies
    // learns Firefox's meaning (it has twice the reports), with them Thunderbird's own
    const report = (i: number, product: string, crashIs: string) => {
      const crash = i % 2 === 0;
      return makeReport({
        externalId: `${product}-${i}`,
        product,
        summary: crash
          ? `crash when ${['saving', 'opening', 'closing'][i % 3]}`
          : `slow when ${['typing', 'scrolling'][i % 2]}`,
        description: crash ? 'it crashes every time' : 'it is slow every time',
        component: crash === (crashIs === 'Core') ? 'Core' : 'UI',
        createdAt: new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString(),
      });
    };
    const firefox = Array.from({ length: 80 }, (_, i) => report(i, 'Firefox', 'Core'));
    const thunderbird = Array.from({ length: 40 }, (_, i) => report(i, 'Thunderbird', 'UI'));
    const test = Array.from({ length: 20 }, (_, i) => report(100 + i, 'Thunderbird', 'UI'));
    const opts = {
      label: 'component',
      split: { kind: 'file' } as const,
      testReports: test,
      groupBy: 'product',
      poolGroups: true,
      model: 'svm' as const,
      seed: 1,
    };
    const tb = (ownCopies: boolean) =>
      evaluateReports([...firefox, ...thunderbird], { ...opts, ownCopies }).groups!.find(
        (g) => g.group === 'Thunderbird',
      )!;
    const without = tb(false);
    const withCopies = tb(true);
    assert.equal(withCopies.nTrain, 120);
    assert.ok(without.accuracy < 0.6, `without the copies: ${without.accuracy}`);
    assert.equal(withCopies.accuracy, 1);
  });

  it('reports a group it cannot evaluate and still evaluates the others', async () => {
    const reports = [
      ...corpus(90).map((r) => ({ ...r, product: 'Firefox' })),
      ...corpus(12).map((r) => ({
        ...r,
        externalId: `t${r.externalId}`,
        product: 'Tiny',
        component: 'Only',
      })),
    ];
    const r = evaluateReports(reports, {
      label: 'component',
      split: { kind: 'time' },
      groupBy: 'product',
      model: 'svm',
      seed: 1,
    });
    assert.deepEqual(
      r.groups?.map((g) => g.group),
      ['Firefox'],
    );
    assert.equal(r.skippedGroups?.length, 1);
    assert.equal(r.skippedGroups?.[0]?.group, 'Tiny');
    assert.match(r.skippedGroups?.[0]?.reason ?? '', /fewer than two classes/);
    const html = await evaluationHtml(r, 'grouped');
    assert.match(
      html,
      /<li>1 group not evaluated \(left out of the means\), [^<]*fewer than two classes[^<]*: Tiny<\/li>/,
    );
    assert.match(html, /component, group Firefox/);
    assert.throws(
      () =>
        evaluateReports(
          reports.filter((x) => x.product === 'Tiny'),
          { label: 'component', split: { kind: 'time' }, groupBy: 'product', model: 'svm', seed: 1 },
        ),
      /no product group could be evaluated: Tiny: /,
    );
  });

  it('judges by the objective it is given, and corrects class biases on held-out training reports where it asks for accuracy', () => {
    // one component files most reports, and the words of the others also appear in its reports: a
    // balanced fit over-answers the rare ones, the priors learnt on held-out reports pull back
    const words = ['socket', 'proxy', 'webgl', 'canvas', 'quota', 'cache'];
    const reports = Array.from({ length: 420 }, (_, i) => {
      const component = i % 10 < 7 ? 'Core' : i % 10 < 9 ? 'Graphics' : 'Storage';
      const own = component === 'Graphics' ? 'webgl' : component === 'Storage' ? 'quota' : 'socket';
      return makeReport({
        externalId: String(i + 1),
        summary: `${words[(i * 7) % 6]} ${i % 3 === 0 ? own : words[(i * 5) % 6]} problem`,
        description: `seen on ${words[(i * 11) % 6]}`,
        component,
        createdAt: new Date(Date.UTC(2021, 0, 1) + i * 3_600_000).toISOString(),
      });
    });
    for (const split of [{ kind: 'time' } as const, { kind: 'kfold', k: 3 } as const]) {
      const plain = evaluateReports(reports, {
        label: 'component',
        split,
        model: 'svm',
        seed: 1,
        blend: false,
      });
      assert.equal(plain.objective, 'mean');
      assert.equal(plain.biasCorrected, false);
      const routed = evaluateReports(reports, {
        label: 'component',
        split,
        model: 'svm',
        seed: 1,
        blend: false,
        objective: 'topk',
        keepModel: true,
      });
      assert.equal(routed.objective, 'topk');
      assert.equal(routed.biasCorrected, true, `${split.kind}: biases fitted`);
      const b = routed.fitted!.biases!;
      const at = (c: string) => b[routed.fitted!.classes.indexOf(c)]!;
      assert.ok(
        at('Core') > at('Storage'),
        `${split.kind}: the common class gains on the rare one (${[...b]})`,
      );
      for (const c of routed.candidates) assert.ok(c.top3 >= c.accuracy);
      // the seed's bar: a threshold per split chosen on held-out training reports, then measured
      const bar = routed.atPrecision;
      assert.equal(bar.target, 0.75);
      assert.equal(bar.thresholds.length, split.kind === 'time' ? 1 : 3);
      assert.ok(bar.coverage >= 0 && bar.coverage <= 1);
      if (bar.thresholds.every((t) => t === null)) assert.equal(bar.coverage, 0);
    }
  });

  it('refuses a task with fewer than two learnable classes', () => {
    const one = corpus(30).map((r) => ({ ...r, component: 'Only' }));
    assert.throws(
      () => evaluateReports(one, { label: 'component', split: { kind: 'time' }, model: 'nb', seed: 1 }),
      /fewer than two classes/,
    );
  });

  it('tells bugs from non-bugs on the labelled Mozilla reports better than the majority class', {
    skip: skipUnlessShared('bugzilla', 'mozilla', 'labels-regression-bug-nobug.csv'),
  }, async () => {
    const { reports } = await loadReports(sharedFile('bugzilla', 'mozilla', 'bugs-2009-2018.jsonl'), {
      labelsPath: sharedFile('bugzilla', 'mozilla', 'labels-regression-bug-nobug.csv'),
    });
    const r = evaluateReports(reports, {
      label: 'labels.category',
      labelMap: parseLabelMap('nobug=nobug,*=bug'),
      split: { kind: 'kfold', k: 3 },
      model: 'svm',
      seed: 1,
    });
    assert.equal(r.nTest, 635);
    assert.equal(r.classes, 2);
    assert.ok(r.accuracy > 417 / 635, `accuracy ${r.accuracy} vs majority ${417 / 635}`);
    assert.ok(r.auc! > 0.75, `AUC ${r.auc}`);
    assert.ok(r.metrics.costCurve && r.metrics.costCurve.length === 101);
  });

  it('on small data may answer with a blend of the search’s models, says which, and never blends when told not to', {
    skip: skipUnlessShared('github', 'nlbse2024', 'issues_test.csv'),
  }, async () => {
    const repo = (r: { product: string | null }) => r.product === 'facebook/react';
    const load = async (f: string) =>
      (await loadReports(sharedFile('github', 'nlbse2024', f), {})).reports.filter(repo);
    const train = await load('issues_train.csv');
    const test = await load('issues_test.csv');
    const run = (blend: boolean) =>
      evaluateReports(train, {
        label: 'type',
        split: { kind: 'file' },
        testReports: test,
        model: 'auto',
        seed: 1,
        blend,
      });
    const maybe = run(true);
    const single = run(false);
    assert.equal(maybe.nTest, 300);
    assert.equal(single.blend, undefined);
    assert.doesNotMatch(single.model, /blend/);
    assert.doesNotMatch(await evaluationHtml(single, 'react'), /answered by a blend/);
    // whether a blend answers is the gates' decision on training data; either way it is said
    const page = await evaluationHtml(maybe, 'react');
    if (maybe.blend) {
      assert.ok(maybe.blend.length >= 2, maybe.model);
      assert.match(maybe.model, /^blend of \d: /);
      assert.ok(Math.abs(maybe.blend.reduce((s, m) => s + m.weight, 0) - 1) < 1e-9);
      assert.match(page, /answered by a blend of \d of these models/);
      assert.match(page, /temperature \(first member\)/);
    } else {
      assert.doesNotMatch(maybe.model, /blend/);
      assert.doesNotMatch(page, /answered by a blend/);
    }
  });
});
