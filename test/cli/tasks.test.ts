import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { listModelVersions, openStore, upsertReports } from '../../src/store/index.ts';
import { cliDatabase } from '../support/cli-db.ts';
import { teamCorpus } from '../support/team-corpus.ts';

describe('eightball tasks', () => {
  const { db, cli } = cliDatabase('tasks');
  before(async () => {
    const store = await openStore(db);
    await upsertReports(store.db, teamCorpus(200));
    await store.close();
  });

  it('adds a team task in one command, trains it with train --task, and predict answers it', () => {
    const add = cli(
      'tasks',
      'add',
      'kind',
      '--label-source',
      'labels.kind',
      '--label-map',
      'product-bug=product bug,docs=documentation',
    );
    assert.equal(add.status, 0, add.stderr);
    assert.match(
      add.stdout,
      /task kind \(classify\) added: labels from labels\.kind\. Train it with: eightball train --task kind/,
    );
    const train = cli('train', '--task', 'kind');
    assert.equal(train.status, 0, train.stderr);
    assert.match(train.stdout, /^kind v1 /m);
    const predict = cli('predict', '--summary', 'crash broken error', '--json');
    assert.equal(predict.status, 0, predict.stderr);
    const answer = JSON.parse(predict.stdout).answers.kind;
    assert.ok(['product bug', 'documentation'].includes(answer.ranking[0].label));
  });

  it('lists and shows tasks, as text and JSON', () => {
    const list = cli('tasks', 'list');
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^category\s+classify\s+built in/m);
    assert.match(list.stdout, /^kind\s+classify\s+team\s+labels\.kind\s+v1 active/m);
    const show = JSON.parse(cli('tasks', 'show', 'kind', '--json').stdout);
    assert.equal(show.labelMap, 'product-bug=product bug,docs=documentation');
    assert.equal(show.activeVersion, 1);
    assert.ok(!show.metaFields.includes('labels.kind'));
  });

  it('refuses a duplicate (exit 1), a bad map (exit 2), an unknown task (exit 1), and removes a task', () => {
    const dup = cli('tasks', 'add', 'kind', '--label-source', 'type');
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /task "kind" exists already/);
    const bad = cli('tasks', 'add', 'other', '--label-source', 'type', '--label-map', 'nonsense');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /"nonsense" is not FROM=TO/);
    const unknown = cli('train', '--task', 'nothing');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown task "nothing" \(tasks: category, component, kind\)/);
    const removed = cli('tasks', 'remove', 'kind');
    assert.equal(removed.status, 0, removed.stderr);
    assert.match(removed.stdout, /task kind removed \(its 1 model version\(s\) are kept, inactive\)/);
    assert.equal(cli('tasks', 'remove', 'category').status, 2);
  });
  it("sets a task's objective, which its next training judges by, and refuses one it does not know", async () => {
    const shown = JSON.parse(cli('tasks', 'show', 'component', '--json').stdout);
    assert.equal(shown.objective, 'mean', "routing's own objective");
    const add = cli('tasks', 'add', 'area', '--label-source', 'labels.kind');
    assert.equal(add.status, 0, add.stderr);
    const set = cli('tasks', 'set', 'area', '--objective', 'macroF1');
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /task area: .*judged by macroF1/);
    assert.equal(JSON.parse(cli('tasks', 'show', 'area', '--json').stdout).objective, 'macroF1');
    const train = cli('train', '--task', 'area', '--json');
    assert.equal(train.status, 0, train.stderr);
    const store = await openStore(db);
    const versions = await listModelVersions(store.db, 'area');
    await store.close();
    const newest = versions.reduce((a, b) => (b.version > a.version ? b : a));
    assert.equal(JSON.parse(newest.metrics).objective, 'macroF1');
    const bad = cli('tasks', 'set', 'area', '--objective', 'luck');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--objective.*luck/);
    const nothing = cli('tasks', 'set', 'area');
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /at least one of --objective, --cost, --label-source/);
  });

  it('shows and sets how a multi-label task treats several trackers', () => {
    const add = cli('tasks', 'add', 'tags', '--label-source', 'keywords', '--multilabel');
    assert.equal(add.status, 0, add.stderr);
    assert.match(cli('tasks', 'show', 'tags').stdout, /^ {2}trackers {8}apart /m);
    const set = cli('tasks', 'set', 'tags', '--sources', 'pooled');
    assert.equal(set.status, 0, set.stderr);
    assert.match(cli('tasks', 'show', 'tags').stdout, /^ {2}trackers {8}pooled$/m);
  });
});
