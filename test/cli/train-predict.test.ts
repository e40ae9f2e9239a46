import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { cliDatabase } from '../support/cli-db.ts';

describe('eightball train, models and predict', () => {
  const { cli, seed } = cliDatabase('predict');

  before(() => seed(160));

  it('trains the component task, lists it, and predicts a report with its reporter', () => {
    const train = cli('train', '--task', 'component', '--json');
    assert.equal(train.status, 0, train.stderr);
    const outcome = JSON.parse(train.stdout.trim().split('\n').at(-1)!);
    assert.equal(outcome.task, 'component');
    const models = cli('models', '--json');
    assert.equal(models.status, 0, models.stderr);
    assert.match(models.stdout, /component/);
    const p = cli('predict', '-s', 'webgl shader renders a blank canvas', '--reporter', 'alice', '--json');
    assert.equal(p.status, 0, p.stderr);
    const answer = JSON.parse(p.stdout).answers.component;
    assert.equal(answer.ranking[0].label.endsWith('Graphics'), true, JSON.stringify(answer.ranking[0]));
    const sum = answer.ranking.reduce((s: number, r: { probability: number }) => s + r.probability, 0);
    assert.ok(sum <= 1 + 1e-9 && sum > 0.5);
  });

  it('refuses an empty summary with a usage error naming the flag', () => {
    const p = cli('predict', '-s', '', '--reporter', 'alice');
    assert.equal(p.status, 2);
    assert.match(p.stderr, /--summary/);
  });
});
