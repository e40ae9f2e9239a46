import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { importBugzilla } from '../../src/jobs/import-bugzilla.ts';
import { retryAfterMs } from '../../src/sources/http-retry.ts';
import { countReports, getReport, openStore, type Store } from '../../src/store/index.ts';
import { FakeBugzilla } from '../support/fake-bugzilla.ts';
import { sharedFile, skipUnlessShared } from '../support/shared-data.ts';

const skip = skipUnlessShared('bugzilla', 'mozilla', 'bugs-2009-2018.jsonl');

describe('Bugzilla REST import against a Bugzilla on loopback', { skip }, () => {
  let fake: FakeBugzilla;
  let url: string;
  let store: Store;
  const firefox = (b: { product?: unknown }) => b.product === 'Firefox' || b.product === 'Toolkit';

  before(async () => {
    fake = new FakeBugzilla(sharedFile('bugzilla', 'mozilla', 'bugs-2009-2018.jsonl'), firefox);
    url = await fake.start();
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

  it('pages through /rest/bug, fetching each description and history', async () => {
    const s = await importBugzilla(store, {
      url,
      products: ['Firefox', 'Toolkit'],
      pageSize: 50,
      apiKey: 'secret-key',
    });
    assert.equal(s.status, 'completed');
    assert.equal(s.imported, fake.bugs.length);
    assert.equal(fake.bugs.length, 243);
    const searches = fake.requests.filter((r) => r.startsWith('/rest/bug?'));
    assert.equal(searches.length, 5, 'five pages of 50 for 243 bugs');
    assert.ok(searches[1]!.includes('offset=50'));
    assert.ok(searches.every((r) => r.includes('product=Firefox') && r.includes('product=Toolkit')));
    assert.ok(
      fake.apiKeys.every((k) => k === 'secret-key'),
      'the API key travels in a header',
    );
    const bug = fake.bugs[0]!;
    const stored = await getReport(store.db, s.source, String(bug.id));
    assert.equal(stored?.description, (bug.comments as { text: string }[])[0]!.text);
    assert.equal(stored?.url, `${url}/show_bug.cgi?id=${bug.id}`);
    assert.equal(stored?.filedKnown, true);
    const newest = fake.bugs
      .map((b) => b.last_change_time)
      .sort()
      .at(-1);
    assert.equal(s.checkpoint, new Date(newest!).toISOString());
  });

  it('retries a 500, then a 429 after its Retry-After, and loses nothing', async () => {
    fake.faults = [
      { pathPrefix: '/rest/bug', status: 500, times: 1 },
      { pathPrefix: '/rest/bug/', status: 429, times: 2, retryAfter: '1' },
    ];
    const retries: { status: number | null; delayMs: number }[] = [];
    const t0 = Date.now();
    const s = await importBugzilla(store, {
      url,
      products: ['Toolkit'],
      retryBaseDelayMs: 10,
      onRetry: (e) => retries.push({ status: e.status, delayMs: e.delayMs }),
    });
    assert.equal(s.imported, 59);
    assert.deepEqual(
      retries.map((r) => r.status),
      [500, 429, 429],
    );
    assert.deepEqual(
      retries.slice(1).map((r) => r.delayMs),
      [1000, 1000],
    );
    assert.ok(Date.now() - t0 >= 1000, 'waited as Retry-After asked');
  });

  it('gives up with a clear error when the server keeps failing', async () => {
    fake.faults = [{ pathPrefix: '/rest/bug', status: 503, times: 100 }];
    await assert.rejects(
      importBugzilla(store, { url, products: ['Toolkit'], retryBaseDelayMs: 1 }),
      /gave up after 6 attempts: HTTP 503/,
    );
  });

  it('an interrupted run resumes from its checkpoint, and a later sync fetches only changes', async () => {
    const ac = new AbortController();
    const first = await importBugzilla(store, {
      url,
      products: ['Firefox', 'Toolkit'],
      pageSize: 40,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.records >= 100) ac.abort();
      },
    });
    assert.equal(first.status, 'interrupted');
    const stored = await countReports(store.db);
    assert.ok(stored >= 100 && stored < 243, `stored ${stored}`);
    assert.ok(first.checkpoint);

    fake.requests.length = 0;
    const second = await importBugzilla(store, { url, products: ['Firefox', 'Toolkit'], pageSize: 40 });
    assert.equal(second.status, 'completed');
    assert.equal(second.since, first.checkpoint);
    assert.ok(fake.requests[0]!.includes(`last_change_time=${encodeURIComponent(first.checkpoint!)}`));
    assert.equal(await countReports(store.db), 243);
    assert.ok(second.imported + second.unchanged < 243, 'the resumed run did not start over');

    fake.requests.length = 0;
    const third = await importBugzilla(store, { url, products: ['Firefox', 'Toolkit'], pageSize: 40 });
    assert.equal(third.imported, 0);
    assert.ok(third.unchanged <= 2, 'only the bugs at the checkpoint instant come back');
  });

  it('refuses a URL that is not http(s)', async () => {
    await assert.rejects(importBugzilla(store, { url: 'ftp://example.org' }), /must be http/);
    await assert.rejects(importBugzilla(store, { url: 'not a url' }), /is not a URL/);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(
      retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1)),
      10000,
    );
    assert.equal(retryAfterMs(null), null);
    assert.equal(retryAfterMs('soon'), null);
  });
});
