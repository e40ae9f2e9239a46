import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { importGithub } from '../../src/jobs/import-github.ts';
import { sourceKind } from '../../src/jobs/source-kinds/index.ts';
import { nextLink } from '../../src/sources/github-rest.ts';
import {
  countReports,
  getDataSource,
  getReport,
  insertDataSource,
  openStore,
  type Store,
} from '../../src/store/index.ts';
import { FakeGithub } from '../support/fake-github.ts';
import { sharedFile, skipUnlessShared } from '../support/shared-data.ts';

const skip = skipUnlessShared('github', 'webcompat-issues.jsonl');
const REPO = 'webcompat/web-bugs';

describe('GitHub issues import against a GitHub on loopback', { skip }, () => {
  let fake: FakeGithub;
  let api: string;
  let store: Store;

  before(async () => {
    const rows = (await import('node:fs'))
      .readFileSync(sharedFile('github', 'webcompat-issues.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // the issues endpoint returns pull requests too: one is mixed in, and must be left out
    const pr = { ...rows[0]!, number: 999_999, title: 'a pull request', pull_request: { url: 'x' } };
    fake = new FakeGithub(REPO, [...rows, pr]);
    api = await fake.start();
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    fake.requests.length = 0;
    fake.faults = [];
  });
  afterEach(async () => {
    await store.close();
  });

  it('pages by the Link header, leaves pull requests out and links every report to its issue', async () => {
    const s = await importGithub(store, { repo: REPO, apiUrl: api, token: 'ghp_secret', pageSize: 30 });
    assert.equal(s.status, 'completed');
    assert.equal(s.imported, 100, 'the hundred issues, not the pull request');
    assert.equal(s.rejected, 0);
    const lists = fake.requests.filter((r) => r.path.includes('/issues?'));
    assert.equal(lists.length, 4, 'four pages of 30 for 101 items');
    assert.ok(lists[0]!.path.includes('state=all') && lists[0]!.path.includes('direction=asc'));
    assert.ok(fake.requests.every((r) => r.auth === 'token ghp_secret'));
    const first = fake.issues[0]!;
    const stored = await getReport(store.db, s.source, `${REPO}#${first.number}`);
    assert.equal(stored?.url, first.html_url);
    assert.equal(stored?.summary, first.title);
    assert.deepEqual(
      stored?.keywords,
      first.labels.map((l) => l.name),
    );
    assert.equal(await getReport(store.db, s.source, `${REPO}#999999`), null);
    const newest = fake.issues
      .map((i) => i.updated_at)
      .sort()
      .at(-1)!;
    assert.equal(s.checkpoint, new Date(newest).toISOString());
  });

  it('carries on from the checkpoint, then asks conditionally and is answered 304', async () => {
    await importGithub(store, { repo: REPO, apiUrl: api, pageSize: 50 });
    fake.requests.length = 0;
    const second = await importGithub(store, { repo: REPO, apiUrl: api, pageSize: 50 });
    assert.ok(fake.requests[0]!.path.includes('since='), 'the second run asks only for what changed');
    assert.equal(second.imported, 0);
    assert.ok(second.unchanged >= 1);
    fake.requests.length = 0;
    const third = await importGithub(store, { repo: REPO, apiUrl: api, pageSize: 50 });
    assert.ok(fake.requests[0]!.ifNoneMatch, 'the first page is asked with If-None-Match');
    assert.equal(third.notModified, true);
    assert.equal(third.imported + third.updated + third.unchanged, 0);
    // a person relabels an issue: the next sync is not 304 and stores the change
    const n = fake.issues[5]!.number;
    fake.setLabels(n, ['type-bug'], '2030-01-01T00:00:00Z');
    const fourth = await importGithub(store, { repo: REPO, apiUrl: api, pageSize: 50 });
    assert.equal(fourth.notModified, false);
    assert.equal(fourth.updated, 1);
    const r = await getReport(store.db, fourth.source, `${REPO}#${n}`);
    assert.equal(r?.type, 'defect', 'a bug label is the category');
  });

  it('waits out a primary rate limit (403, reset) and a secondary one (429, Retry-After)', async () => {
    fake.faults = [
      { pathPrefix: `/repos/${REPO}/issues`, kind: 'primary', times: 1 },
      { pathPrefix: `/repos/${REPO}/issues`, kind: 'secondary', times: 1 },
    ];
    const waits: string[] = [];
    const s = await importGithub(store, {
      repo: REPO,
      apiUrl: api,
      retryAfterBaseValue: 10,
      onRateLimit: (e) => waits.push(e.kind),
    });
    assert.equal(s.imported, 100);
    assert.deepEqual(waits.sort(), ['primary', 'secondary']);
  });

  it('syncs as a scheduled data source, with the token from settings, under the source’s name', async () => {
    const id = await insertDataSource(
      store.db,
      { name: 'web-bugs', kind: 'github', location: REPO, query: `api=${api}`, schedule: '*/15 * * * *' },
      new Date().toISOString(),
    );
    const source = (await getDataSource(store.db, id))!;
    const r = await sourceKind('github').sync(store, source, {
      signal: new AbortController().signal,
      onProgress: () => {},
      secrets: { githubToken: 'ghp_from_settings' },
    });
    assert.equal(r.imported, 100);
    assert.equal(await countReports(store.db, 'github:web-bugs'), 100);
    assert.ok(fake.requests.every((q) => q.auth === 'token ghp_from_settings'));
  });

  it('fails with the status when the repository is not there, storing nothing', async () => {
    await assert.rejects(importGithub(store, { repo: 'someone/else', apiUrl: api }), /HTTP 404/);
    assert.equal(await countReports(store.db), 0);
    await assert.rejects(importGithub(store, { repo: 'not a repo', apiUrl: api }), /OWNER\/REPO/);
  });
});

describe('Link header', () => {
  it('finds rel="next" among the others and null on the last page', () => {
    assert.equal(
      nextLink(
        '<https://x/a?page=1>; rel="prev", <https://x/a?page=3>; rel="next", <https://x/a?page=9>; rel="last"',
      ),
      'https://x/a?page=3',
    );
    assert.equal(nextLink('<https://x/a?page=1>; rel="first"'), null);
    assert.equal(nextLink(''), null);
  });
});
