import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { BIN } from '../support/serve-process.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('eightball train, models and predict', () => {
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'eightball-predict-')), 'eightball.db')}`;
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, '--db', db, ...args], {
      encoding: 'utf8',
      env: { ...process.env, EIGHTBALL_LOG_LEVEL: 'warn' },
    });

  before(async () => {
    const store = await openStore(db);
    await upsertReports(store.db, triageCorpus(160));
    await store.close();
  });

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
