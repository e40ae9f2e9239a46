import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leaveOneDatasetOut } from '../../src/evaluation/leave-one-out.ts';

const m = (dataset: string, before: number, after: number) => ({ dataset, before, after });

describe('leaveOneDatasetOut', () => {
  it('a rule that wins nearly everywhere stands, and each data set is decided by the others', () => {
    const v = leaveOneDatasetOut([
      m('a', 0.5, 0.52),
      m('b', 0.6, 0.61),
      m('c', 0.4, 0.43),
      m('d', 0.7, 0.69),
    ]);
    assert.equal(v.stands, true);
    const d = v.perDataset.find((x) => x.dataset === 'd')!;
    assert.deepEqual([d.winsElsewhere, d.others, d.adopted], [3, 3, true]);
    assert.ok(Math.abs(d.gain + 0.01) < 1e-12, 'adopted on d, it costs d a point');
    assert.equal(v.heldOutWins, 3);
    assert.equal(v.heldOutLosses, 1);
    assert.equal(v.heldOutTies, 0);
  });

  it('a tie is not a win: a rule that wins on a few and changes nothing elsewhere does not stand', () => {
    const v = leaveOneDatasetOut([
      m('a', 0.5, 0.51),
      m('b', 0.6, 0.61),
      m('c', 0.4, 0.4),
      m('d', 0.7, 0.7),
      m('e', 0.3, 0.3),
    ]);
    assert.equal(v.heldOutTies, 3);
    assert.equal(v.heldOutLosses, 0);
    assert.equal(v.stands, false);
  });

  it('a rule that wins big on one data set and loses on the rest does not stand', () => {
    const v = leaveOneDatasetOut([m('a', 0.5, 0.7), m('b', 0.6, 0.59), m('c', 0.4, 0.39), m('d', 0.7, 0.69)]);
    assert.equal(v.stands, false);
    // the one it wins on is the one the others would not adopt it for
    assert.equal(v.perDataset.find((x) => x.dataset === 'a')!.adopted, false);
    assert.equal(v.meanHeldOutGain, v.perDataset.reduce((s, x) => s + x.gain, 0) / 4);
  });

  it('a rule that changes nothing does not stand', () => {
    const v = leaveOneDatasetOut([m('a', 0.5, 0.5), m('b', 0.6, 0.6), m('c', 0.4, 0.4)]);
    assert.equal(v.stands, false);
    assert.ok(v.perDataset.every((x) => !x.adopted));
  });

  it('refuses a data set measured twice or a figure that is not a number', () => {
    assert.throws(() => leaveOneDatasetOut([m('a', 0.5, 0.6), m('a', 0.5, 0.6)]), /measured twice/);
    assert.throws(() => leaveOneDatasetOut([m('a', Number.NaN, 0.6)]), /finite/);
  });
});
