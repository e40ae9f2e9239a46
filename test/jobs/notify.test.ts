import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { fileReport } from '../../src/jobs/notify.ts';
import type { RunningWorker } from '../../src/jobs/queue.ts';
import { smtpMailer } from '../../src/notify/mailer.ts';
import {
  addSubscription,
  insertDataSource,
  notificationsSent,
  openStore,
  type Store,
  upsertReports,
} from '../../src/store/index.ts';
import { createUser, Predictor, trainTask } from '../../src/triage/index.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

interface Received {
  to: string[];
  subject: string;
  text: string;
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('e-mail to watchers, through a real SMTP server', () => {
  let store: Store;
  let smtp: SMTPServer;
  let port = 0;
  const inbox: Received[] = [];
  let rejectNext = 0;
  let queue: EmbeddedQueue;
  let worker: RunningWorker;
  let predictor: Predictor;

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(_address, _session, cb) {
        if (rejectNext > 0) {
          rejectNext--;
          return cb(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
        }
        cb();
      },
      onData(stream, _session, cb) {
        simpleParser(stream).then(
          (m) => {
            const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
            inbox.push({
              to: to.flatMap((a) => a.value.map((v) => v.address ?? '')),
              subject: m.subject ?? '',
              text: m.text ?? '',
            });
            cb();
          },
          (e: Error) => cb(e),
        );
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    port = (smtp.server.address() as AddressInfo).port;

    store = await openStore('sqlite::memory:');
    await upsertReports(store.db, triageCorpus(160));
    await trainTask(store, 'component');
    await trainTask(store, 'category');
    const uid = await createUser(
      store,
      { username: 'wendy', password: 'watching password', role: 'reporter' },
      null,
    );
    const now = new Date().toISOString();
    await addSubscription(
      store.db,
      { userId: uid, email: 'wendy@example.org', task: 'component', label: 'Core::Printing' },
      now,
    );
    // watching two places a report lands in still makes one e-mail
    await addSubscription(
      store.db,
      { userId: uid, email: 'wendy@example.org', task: 'category', label: 'defect' },
      now,
    );
    predictor = new Predictor(store, { refreshMs: 0 });
    queue = new EmbeddedQueue(store, { leaseMs: 2000, pollMs: 20 });
    worker = queue.work(
      jobHandlers({
        store,
        predictor,
        queue,
        mailer: smtpMailer(`smtp://127.0.0.1:${port}`),
        baseUrl: 'https://triage.example.org',
      }),
      { concurrency: 2 },
    );
  });
  after(async () => {
    await worker?.stop();
    await store?.close();
    await new Promise<void>((r) => smtp?.close(() => r()));
  });

  it('sends each watcher one e-mail when a report lands where they watch, never two', async () => {
    const { id } = await fileReport(store, predictor, queue, {
      summary: 'print preview margin broken crash',
      description: 'printer page footer cut off',
    });
    await until('the e-mail', () => inbox.length === 1);
    const mail = inbox[0]!;
    assert.deepEqual(mail.to, ['wendy@example.org']);
    assert.match(mail.subject, /^\[eightball\] /);
    assert.match(mail.subject, /print preview margin broken crash/);
    assert.match(mail.text, new RegExp(`https://triage.example.org/reports/${id}`));
    // the same report again (a retried or duplicated job) sends nothing more
    const again = await queue.enqueue('notify', { reportId: id });
    await until('the second notify job', async () => (await queue.get(again.id))?.state === 'completed');
    assert.deepEqual((await queue.get(again.id))!.result, { sent: 0, skipped: 1 });
    assert.equal(inbox.length, 1);
    assert.equal(await notificationsSent(store.db, id), 1);
  });

  it('sends nothing for a report that lands elsewhere', async () => {
    const before = inbox.length;
    const { id } = await fileReport(store, predictor, queue, {
      summary: 'add option to support dns proxy',
      description: 'feature: allow proxy settings',
    });
    await until('the notify job', async () =>
      (await queue.list()).some(
        (j) =>
          j.name === 'notify' && j.state === 'completed' && (j.data as { reportId: number }).reportId === id,
      ),
    );
    assert.equal(inbox.length, before);
  });

  it('announces imported reports filed lately, once, and leaves history alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eightball-notify-'));
    const file = join(dir, 'news.csv');
    const today = new Date().toISOString().slice(0, 10);
    writeFileSync(
      file,
      `bug_id,short_desc,product,component,opendate\n501,Print preview cuts the page margin,Core,Printing,${today}\n502,Printer margin wrong in 2019,Core,Printing,2019-05-01\n`,
    );
    await insertDataSource(
      store.db,
      { name: 'tracker-dump', kind: 'file', location: file, query: '', schedule: null },
      new Date().toISOString(),
    );
    const before = inbox.length;
    const job = await queue.enqueue('import-source', { sourceId: 1 });
    await until('the import', async () => (await queue.get(job.id))?.state === 'completed');
    assert.deepEqual((await queue.get(job.id))!.result, {
      source: 'tracker-dump',
      imported: 2,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      classified: 1,
    });
    await until('the e-mail about the new report', () => inbox.length === before + 1);
    assert.match(inbox[inbox.length - 1]!.subject, /Print preview cuts the page margin/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(inbox.length, before + 1, 'nothing about the 2019 report');
  });

  it('retries when the SMTP server refuses, and still delivers once', async () => {
    rejectNext = 1;
    const before = inbox.length;
    const { id } = await fileReport(store, predictor, queue, {
      summary: 'printer margin wrong in print preview',
      description: 'page header broken',
    });
    const jobs = async () =>
      (await queue.list()).filter(
        (j) => j.name === 'notify' && (j.data as { reportId: number }).reportId === id,
      );
    await until(
      'a failed first attempt',
      async () => (await jobs()).some((j) => (j.error ?? '').includes('mailbox busy')),
      10_000,
    );
    // the backoff is 5 s for the first retry
    await until('delivery after the retry', () => inbox.length === before + 1, 30_000);
    await until('the job to complete', async () => (await jobs())[0]?.state === 'completed');
    assert.equal(await notificationsSent(store.db, id), 1);
  });
});
