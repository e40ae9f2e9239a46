import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScoredAnswer } from '../../src/evaluation/abstention.ts';
import { evaluateReports } from '../../src/triage/evaluate-reports.ts';
import type { EvaluateOptions } from '../../src/triage/evaluation-types.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

/** The held-out answers the served threshold is chosen on, and the evaluation. */
function served(patch: Partial<EvaluateOptions>, reports = triageCorpus(600)) {
  let held: ScoredAnswer[] | null = null;
  const result = evaluateReports(reports, {
    label: 'component',
    split: { kind: 'time' },
    model: 'auto',
    seed: 1,
    keepModel: true,
    ...patch,
    onAnswers: (h) => {
      held = h;
    },
  });
  return { held: held as ScoredAnswer[] | null, result };
}

describe('held-out answers of two periods for the served threshold', () => {
  it('by default adds the fourth fifth of the training reports, answered by a model of the older three, before the newest fifth', () => {
    const one = served({ servedPeriods: 1 });
    const two = served({});
    // 600 reports: 450 train; the newest fifth is 90 of them, the fourth fifth another 90
    assert.equal(one.held?.length, 90);
    assert.equal(two.held?.length, 180);
    // the newest fifth's answers are the same either way: the older period only comes before them
    assert.deepEqual(two.held!.slice(90), one.held);
    const right = two.held!.slice(0, 90).filter((a) => a.correct).length;
    assert.ok(right > 45, `the older period's model learnt something (${right} of 90 right)`);
    // what training chooses the served threshold on, and says so
    assert.equal(two.result.tailPeriods, 2);
    assert.equal(two.result.tailAnswers?.length, 180);
    assert.equal(one.result.tailPeriods, 1);
    assert.equal(one.result.tailAnswers?.length, 90);
    // the seed's bar keeps to the newest fifth unless asked (bar-periods did not stand)
    assert.deepEqual(two.result.atPrecision, one.result.atPrecision);
  });

  it('changes nothing on a random split: its held-out answers are out of fold, with no periods', () => {
    const reports = triageCorpus(300);
    const one = served({ split: { kind: 'random' }, servedPeriods: 1 }, reports).held;
    assert.ok(one && one.length > 100);
    assert.deepEqual(served({ split: { kind: 'random' } }, reports).held, one);
  });
});
