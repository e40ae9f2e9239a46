import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateReports } from '../../src/triage/evaluate-reports.ts';
import { makeReport } from '../support/reports.ts';

// Two trackers in one store: the lent one's components are named by the very words this one's
// reports use, so a model of both answers with the lent tracker's labels unless told not to.
const day = (i: number) => new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString();
/** n reports of one tracker, crashes and menus alternating, named by its own two components */
const tracker = (source: string, n: number, [crash, menu]: [string, string], dayOf: (i: number) => number) =>
  Array.from({ length: n }, (_, i) =>
    makeReport({
      source,
      externalId: `${source}-${i}`,
      summary: i % 2 === 0 ? 'crash on startup' : 'menu renders wrong',
      description: i % 2 === 0 ? 'the crash is at startup' : 'the menu is wrong',
      component: i % 2 === 0 ? crash : menu,
      createdAt: day(dayOf(i)),
    }),
  );
const own = tracker('bugzilla', 60, ['Core', 'UI'], (i) => i);
// three times as many, filed before this tracker's test window, and the same words: "crash" is
// Kernel's there, "menu" Frontend's
const lent = tracker('jira', 180, ['Kernel', 'Frontend'], (i) => i % 40);
const opts = {
  label: 'component',
  split: { kind: 'time' } as const,
  model: 'svm' as const,
  seed: 1,
  extraTrain: lent,
  ownCopies: false,
};

describe('answers kept to the own labels (ownLabelsOnly)', () => {
  it('a report is answered among its own labels, and the lent labels leave the class list', () => {
    const mixed = evaluateReports(own, opts);
    assert.equal(mixed.classes, 4, 'without it the lent labels are answers too');
    assert.ok(
      mixed.answers!.predicted.some((p) => p === 'Kernel' || p === 'Frontend'),
      `without it some answer is a lent label: ${[...new Set(mixed.answers!.predicted)]}`,
    );
    const kept = evaluateReports(own, { ...opts, ownLabelsOnly: true });
    assert.equal(kept.classes, 2);
    assert.deepEqual([...new Set(kept.answers!.predicted)].sort(), ['Core', 'UI']);
    assert.equal(kept.accuracy, 1);
    assert.ok(kept.accuracy > mixed.accuracy);
    // the macro-F1 is the own classes' (two perfect ones), not diluted by classes never tested
    assert.equal(kept.macroF1, 1);
  });

  it('changes nothing without lent reports', () => {
    const { extraTrain: _e, ...alone } = opts;
    const a = evaluateReports(own, alone);
    const b = evaluateReports(own, { ...alone, ownLabelsOnly: true });
    assert.deepEqual(b.answers, a.answers);
  });
});
