import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import type { RunningWorker } from '../../src/jobs/queue.ts';
import {
  actionsForReport,
  countReports,
  getReport,
  insertDataSource,
  openStore,
  putWritebackRule,
  reportIdOf,
  type Store,
  upsertReports,
} from '../../src/store/index.ts';
import { hubSignature } from '../../src/trackers/signatures.ts';
import { undoAction } from '../../src/trackers/writeback.ts';
import { Predictor, trainTask } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { FakeGithub } from '../support/fake-github.ts';
import { FakeJira } from '../support/fake-jira.ts';
import { sharedFile, skipUnlessShared } from '../support/shared-data.ts';
import { triageCorpus } from '../support/triage-corpus.ts';
import { jobsSettled } from '../support/until.ts';

const GH_SECRET = 'github-hook-secret';
const JIRA_SECRET = 'jira-hook-secret';
const REPO = 'acme/browser';
const skip = skipUnlessShared('jira', 'apache', 'HDFS.jsonl');

function issue(number: number, title: string, body: string, labels: string[] = []) {
  return {
    url: `https://api.github.com/repos/${REPO}/issues/${number}`,
    repository_url: `https://api.github.com/repos/${REPO}`,
    html_url: `https://github.com/${REPO}/issues/${number}`,
    number,
    title,
    body,
    state: 'open',
    labels: labels.map((name) => ({ name })),
    user: { login: 'reporter' },
    created_at: '2026-11-30T10:00:00Z',
    updated_at: '2026-11-30T10:00:00Z',
  };
}

describe('GitHub and Jira: signed webhooks in, labels and components written back', { skip }, () => {
  let store: Store;
  let app: FastifyInstance;
  let queue: EmbeddedQueue;
  let worker: RunningWorker;
  let github: FakeGithub;
  let jira: FakeJira;
  let githubApi: string;
  let jiraUrl: string;
  const secrets = { githubToken: 'ghs_writer', jiraToken: 'jira-pat' };

  const postGithub = (body: unknown, o: { secret?: string; delivery?: string; event?: string } = {}) => {
    const text = JSON.stringify(body);
    return app.inject({
      method: 'POST',
      url: '/hooks/github',
      headers: {
        'content-type': 'application/json',
        'x-github-event': o.event ?? 'issues',
        'x-github-delivery': o.delivery ?? randomUUID(),
        'x-hub-signature-256': hubSignature(o.secret ?? GH_SECRET, text),
      },
      payload: text,
    });
  };
  const settled = () => jobsSettled(queue);

  before(async () => {
    store = await openStore('sqlite::memory:');
    await upsertReports(store.db, triageCorpus(160));
    await trainTask(store, 'component');
    await trainTask(store, 'category');
    github = new FakeGithub(REPO, [
      issue(1, 'crash when the tab opens', 'it is broken: a regression, error and hang'),
      issue(2, 'add an option to allow pdf scaling', 'feature request: should support landscape'),
      issue(3, 'print preview broken', 'error', ['defect']),
    ]);
    githubApi = await github.start();
    jira = new FakeJira(sharedFile('jira', 'apache', 'HDFS.jsonl'), 5);
    jiraUrl = await jira.start();
    const now = new Date().toISOString();
    await insertDataSource(
      store.db,
      { name: 'browser', kind: 'github', location: REPO, query: `api=${githubApi}`, schedule: null },
      now,
    );
    await insertDataSource(
      store.db,
      { name: 'hdfs', kind: 'jira', location: jiraUrl, query: 'project=HDFS', schedule: null },
      now,
    );
    const rule = { labelThresholds: {}, needsTriageLabel: null };
    await putWritebackRule(
      store.db,
      { ...rule, source: 'github:browser', task: 'category', mode: 'apply', threshold: 0.5, untriaged: [] },
      now,
    );
    await putWritebackRule(
      store.db,
      { ...rule, source: 'jira:hdfs', task: 'component', mode: 'apply', threshold: 0.3, untriaged: [''] },
      now,
    );
    const predictor = new Predictor(store, { refreshMs: 0 });
    queue = new EmbeddedQueue(store, { leaseMs: 2000, pollMs: 20 });
    worker = queue.work(jobHandlers({ store, predictor, queue, secrets }));
    app = await buildApp({ store, predictor, queue, hookSecrets: { github: GH_SECRET, jira: JIRA_SECRET } });
  });
  after(async () => {
    await worker?.stop();
    await app?.close();
    await github?.stop();
    await jira?.stop();
    await store?.close();
  });

  it('refuses a wrongly signed GitHub delivery, and answers a ping', async () => {
    const before = await countReports(store.db);
    const r = await postGithub(
      { action: 'opened', issue: github.issue(1), repository: { full_name: REPO } },
      { secret: 'not-the-secret' },
    );
    assert.equal(r.statusCode, 401);
    assert.equal(await countReports(store.db), before);
    const ping = await postGithub({ zen: 'Keep it logically awesome.' }, { event: 'ping' });
    assert.equal(ping.statusCode, 200);
    assert.equal(ping.json().status, 'ignored');
  });

  it('labels a new issue with the category it is sure of, once, and the label is undone exactly', async () => {
    const delivery = randomUUID();
    const body = {
      action: 'opened',
      issue: github.issue(1),
      repository: { full_name: REPO },
      sender: { login: 'reporter' },
    };
    const r = await postGithub(body, { delivery });
    assert.equal(r.statusCode, 202, r.body);
    await settled();
    const stored = await getReport(store.db, 'github:browser', `${REPO}#1`);
    assert.equal(stored?.url, `https://github.com/${REPO}/issues/1`);
    assert.deepEqual(
      github.issue(1)!.labels.map((l) => l.name),
      ['defect'],
    );
    assert.equal(github.comments.filter((c) => c.issue === 1).length, 1);
    assert.ok(github.requests.filter((q) => q.method !== 'GET').every((q) => q.auth === 'token ghs_writer'));
    // GitHub redelivers: the same X-GitHub-Delivery is a replay
    const again = await postGithub(body, { delivery });
    assert.equal(again.json().status, 'duplicate');
    const id = (await reportIdOf(store.db, 'github:browser', `${REPO}#1`))!;
    const labelled = (await actionsForReport(store.db, id)).find((a) => a.kind === 'add-labels')!;
    assert.equal(await undoAction(store, labelled.id, null, { secrets }), 'removed defect');
    assert.deepEqual(github.issue(1)!.labels, []);
  });

  it('leaves an issue a person has labelled alone', async () => {
    const writes = github.requests.filter((q) => q.method !== 'GET').length;
    await postGithub({ action: 'opened', issue: github.issue(3), repository: { full_name: REPO } });
    await settled();
    assert.equal(github.requests.filter((q) => q.method !== 'GET').length, writes);
  });

  it('in suggest mode comments once, and edits that comment when the answer changes', async () => {
    await putWritebackRule(
      store.db,
      {
        source: 'github:browser',
        task: 'category',
        mode: 'suggest',
        threshold: 0.5,
        labelThresholds: {},
        untriaged: [],
        needsTriageLabel: null,
      },
      new Date().toISOString(),
    );
    await postGithub({ action: 'opened', issue: github.issue(2), repository: { full_name: REPO } });
    await settled();
    const mine = () => github.comments.filter((c) => c.issue === 2);
    assert.equal(mine().length, 1);
    assert.match(mine()[0]!.body, /suggestion for category \(nothing was changed\)/);
    assert.deepEqual(github.issue(2)!.labels, [], 'suggest changes nothing');
    const first = mine()[0]!.body;
    const edited = {
      ...github.issue(2)!,
      body: 'crash crash broken error regression hang fails wrong',
      updated_at: '2026-11-30T11:00:00Z',
    };
    await postGithub({ action: 'edited', issue: edited, repository: { full_name: REPO } });
    await settled();
    assert.equal(mine().length, 1, 'still one comment');
    assert.notEqual(mine()[0]!.body, first, 'edited to the new answer');
    assert.ok(github.requests.some((q) => q.method === 'PATCH'));
  });

  it('takes a signed Jira delivery and sets the component; an unsigned one is refused', async () => {
    const target = jira.issues[0]!;
    target.fields.summary = 'print preview margin printer page footer';
    target.fields.components = [];
    const body = JSON.stringify({
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_created',
      user: { name: 'reporter' },
      issue: target,
    });
    const unsigned = await app.inject({
      method: 'POST',
      url: '/hooks/jira',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    assert.equal(unsigned.statusCode, 401);
    const r = await app.inject({
      method: 'POST',
      url: '/hooks/jira',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': hubSignature(JIRA_SECRET, body),
        'x-atlassian-webhook-identifier': 'd-1',
      },
      payload: body,
    });
    assert.equal(r.statusCode, 202, r.body);
    await settled();
    const stored = await getReport(store.db, 'jira:hdfs', target.key);
    assert.equal(stored?.url, `${jiraUrl}/browse/${target.key}`);
    const put = jira.requests.find((q) => q.method === 'PUT' && q.path.endsWith(`/issue/${target.key}`));
    assert.deepEqual(put?.body, { fields: { components: [{ name: 'Printing' }] } });
    assert.ok(jira.requests.some((q) => q.method === 'POST' && q.path.endsWith('/comment')));
    assert.equal(put && jira.requests.find((q) => q.method === 'PUT')?.auth, 'Bearer jira-pat');
  });

  it('answers 503 naming the variable when no secret is set for a tracker', async () => {
    const bare = await buildApp({ store, predictor: new Predictor(store), queue });
    try {
      const r = await bare.inject({
        method: 'POST',
        url: '/hooks/github',
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      assert.equal(r.statusCode, 503);
      assert.match(r.json().error.message, /EIGHTBALL_GITHUB_WEBHOOK_SECRET/);
    } finally {
      await bare.close();
    }
  });
});
