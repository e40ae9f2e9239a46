import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { importJira } from '../../src/jobs/import-jira.ts';
import { jiraJql } from '../../src/sources/jira-rest.ts';
import { countReports, getReport, openStore, type Store } from '../../src/store/index.ts';
import { FakeJira } from '../support/fake-jira.ts';
import { sharedFile, skipUnlessShared } from '../support/shared-data.ts';

const skip = skipUnlessShared('jira', 'apache', 'HDFS.jsonl');

describe('Jira import against a Jira on loopback', { skip }, () => {
  let fake: FakeJira;
  let url: string;
  let store: Store;

  before(async () => {
    fake = new FakeJira(sharedFile('jira', 'apache', 'HDFS.jsonl'), 230);
    url = await fake.start();
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    fake.requests.length = 0;
    fake.rateLimited = 0;
  });
  afterEach(async () => {
    await store.close();
  });

  it('pages a Data Center search by startAt with a bearer token, components and types mapped', async () => {
    const s = await importJira(store, { url, project: 'hdfs', token: 'pat-secret', pageSize: 50 });
    assert.equal(s.status, 'completed');
    assert.equal(s.imported, 230);
    const searches = fake.requests.filter((r) => r.path.startsWith('/jira/rest/api/2/search?'));
    assert.equal(searches.length, 5);
    assert.ok(searches.every((r) => r.auth === 'Bearer pat-secret'));
    assert.ok(searches[1]!.path.includes('startAt=50'));
    const withComponent = fake.issues.find((i) => (i.fields.components as unknown[]).length > 0)!;
    const r = await getReport(store.db, s.source, withComponent.key);
    assert.equal(r?.component, (withComponent.fields.components as { name: string }[])[0]!.name);
    assert.equal(r?.type, (withComponent.fields.issuetype as { name: string }).name);
    assert.equal(r?.url, `${url}/browse/${withComponent.key}`);
  });

  it('pages a Cloud search by nextPageToken with basic auth, and carries on from the checkpoint', async () => {
    const s = await importJira(store, {
      url,
      project: 'HDFS',
      email: 'me@example.org',
      token: 'api-token',
      api: 'cloud',
      pageSize: 100,
    });
    assert.equal(s.imported, 230);
    const first = fake.requests[0]!;
    assert.ok(first.path.startsWith('/jira/rest/api/2/search/jql?'));
    assert.equal(first.auth, `Basic ${Buffer.from('me@example.org:api-token').toString('base64')}`);
    assert.ok(fake.requests.some((r) => r.path.includes('nextPageToken=100')));
    fake.requests.length = 0;
    const again = await importJira(store, { url, project: 'HDFS', api: 'cloud' });
    assert.equal(again.imported, 0);
    assert.ok(again.unchanged >= 1 && again.unchanged < 230, 'only the last minute comes again');
    assert.match(
      new URL(fake.requests[0]!.path, url).searchParams.get('jql') ?? '',
      /updated >= "\d{4}-\d\d-\d\d \d\d:\d\d"/,
    );
  });

  it('retries a 429 and refuses a project key that would change the query', async () => {
    fake.rateLimited = 2;
    const s = await importJira(store, { url, project: 'HDFS', retryBaseDelayMs: 1, source: 'jira:hdfs' });
    assert.equal(s.imported, 230);
    assert.equal(await countReports(store.db, 'jira:hdfs'), 230, 'stored under the source it was given');
    await assert.rejects(importJira(store, { url, project: 'HDFS" OR 1=1' }), /not a Jira project key/);
  });
});

describe('Jira JQL', () => {
  it('puts the checkpoint a minute back, in UTC minutes, and keeps extra JQL in parentheses', () => {
    assert.equal(
      jiraJql({
        project: 'HIVE',
        jql: 'issuetype = Bug OR issuetype = Improvement',
        since: '2024-05-01T10:30:45.000Z',
      }),
      'project = "HIVE" AND (issuetype = Bug OR issuetype = Improvement) AND updated >= "2024-05-01 10:29" ORDER BY updated ASC, key ASC',
    );
  });
});
