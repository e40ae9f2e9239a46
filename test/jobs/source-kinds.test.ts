import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EightballError } from '../../src/domain/index.ts';
import { SOURCE_KINDS, sourceKind } from '../../src/jobs/source-kinds/index.ts';
import {
  countCommits,
  countReports,
  getDataSource,
  insertDataSource,
  openStore,
  upsertReports,
} from '../../src/store/index.ts';
import { GitFixture } from '../support/git-fixture.ts';
import { makeReport } from '../support/reports.ts';

const refusal = (fn: () => void): EightballError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof EightballError) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('data source kinds, one file each, found through the registry', () => {
  it('lists the kinds the admin page offers, and refuses one it does not know', () => {
    assert.deepEqual(
      SOURCE_KINDS.map((k) => k.kind),
      ['bugzilla', 'github', 'jira', 'file', 'git'],
    );
    assert.throws(
      () => sourceKind('gitlab'),
      /unknown source kind "gitlab" \(bugzilla, github, jira, file, git\)/,
    );
  });

  it('checks a GitHub source (OWNER/REPO, an api URL) and a Jira one (a URL, a project key)', () => {
    const gh = sourceKind('github');
    assert.doesNotThrow(() => gh.check({ location: 'webcompat/web-bugs', query: '' }));
    assert.doesNotThrow(() => gh.check({ location: 'o/r', query: 'api=https://ghe.example/api/v3' }));
    assert.equal(refusal(() => gh.check({ location: 'webcompat', query: '' })).field, 'location');
    assert.equal(refusal(() => gh.check({ location: 'o/r', query: 'api=ftp://x' })).field, 'query');
    assert.equal(refusal(() => gh.check({ location: 'o/r', query: 'token=abc' })).field, 'query');
    const jira = sourceKind('jira');
    assert.doesNotThrow(() =>
      jira.check({ location: 'https://issues.apache.org/jira', query: 'project=HIVE&jql=issuetype%3DBug' }),
    );
    assert.equal(refusal(() => jira.check({ location: 'https://j.example', query: '' })).field, 'query');
    assert.equal(
      refusal(() => jira.check({ location: 'https://j.example', query: 'project=HIVE%22+OR+1%3D1' })).field,
      'query',
    );
    assert.equal(
      refusal(() => jira.check({ location: 'j.example', query: 'project=HIVE' })).field,
      'location',
    );
    assert.equal(jira.storedAs('hive'), 'jira:hive');
  });

  it('checks a Bugzilla source: an http(s) URL, and only product and component in its query', () => {
    const k = sourceKind('bugzilla');
    assert.doesNotThrow(() =>
      k.check({ location: 'https://bugzilla.mozilla.org', query: 'product=Firefox' }),
    );
    assert.equal(refusal(() => k.check({ location: 'bugzilla.mozilla.org', query: '' })).field, 'location');
    assert.equal(
      refusal(() => k.check({ location: 'https://b.example', query: 'status=NEW' })).field,
      'query',
    );
    assert.equal(k.storedAs('moz'), 'bugzilla:moz');
  });

  it('syncs a file source into the store under its own name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eightball-kinds-'));
    const path = join(dir, 'bugs.csv');
    writeFileSync(
      path,
      'bug_id,short_desc,product,component\n1,Crash on start,Core,DOM\n2,Slow tabs,Core,DOM\n',
    );
    const store = await openStore('sqlite::memory:');
    try {
      const id = await insertDataSource(
        store.db,
        { name: 'nightly', kind: 'file', location: path, query: '', schedule: null },
        new Date().toISOString(),
      );
      const source = (await getDataSource(store.db, id))!;
      const k = sourceKind(source.kind);
      const seen: number[] = [];
      const r = await k.sync(store, source, {
        signal: new AbortController().signal,
        onProgress: (p) => seen.push(p.records),
        secrets: {},
      });
      assert.equal(r.imported, 2);
      assert.equal(await countReports(store.db, k.storedAs('nightly')), 2);
    } finally {
      await store.close();
    }
  });

  it('syncs a git source on a schedule: new commits linked each run, a re-run reads nothing', async () => {
    const k = sourceKind('git');
    assert.equal(refusal(() => k.check({ location: 'relative/path', query: '' })).field, 'location');
    assert.equal(refusal(() => k.check({ location: '/srv/git/x', query: 'colour=red' })).field, 'query');
    assert.match(
      refusal(() => k.check({ location: '/srv/git/x', query: 'link=%5Cd%2B' })).message,
      /needs one group/,
    );
    const repo = new GitFixture('kind-git');
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, [makeReport({ externalId: '42', summary: 'crash' })]);
      repo.write('src/A.java', 'class A {}\n');
      repo.commit('Bug 42: fix the crash');
      const id = await insertDataSource(
        store.db,
        { name: 'app', kind: 'git', location: repo.dir, query: 'branch=main', schedule: null },
        new Date().toISOString(),
      );
      const source = (await getDataSource(store.db, id))!;
      const ctx = { signal: new AbortController().signal, onProgress: () => {}, secrets: {} };
      const first = await k.sync(store, source, ctx);
      assert.deepEqual([first.status, first.imported, first.updated], ['completed', 1, 1]);
      const again = await k.sync(store, source, ctx);
      assert.deepEqual([again.imported, again.updated], [0, 0]);
      assert.equal((await countCommits(store.db, 'app')).commits, 1);
    } finally {
      await store.close();
      repo.cleanup();
    }
  });
});
