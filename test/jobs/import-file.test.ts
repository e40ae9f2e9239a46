import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importFile } from '../../src/jobs/import-file.ts';
import {
  countReports,
  getReport,
  latestImportRun,
  type Store,
  startImportRun,
} from '../../src/store/index.ts';
import { DIALECTS } from '../support/dialects.ts';

const dir = mkdtempSync(join(tmpdir(), 'eightball-import-'));

function writeCsv(name: string, rows: number, bad: number[] = []): string {
  const lines = ['bug_id,short_desc,product,component,opendate'];
  for (let i = 1; i <= rows; i++) {
    lines.push(
      bad.includes(i)
        ? `${i},,Core,Layout,2020-01-01`
        : `${i},Bug number ${i},Core,Layout,2020-01-${String((i % 28) + 1).padStart(2, '0')}`,
    );
  }
  const p = join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

for (const dialect of DIALECTS) {
  describe(`file import on ${dialect.name}`, { skip: dialect.skip }, () => {
    let store: Store & { dispose(): Promise<void> };
    before(async () => {
      store = await dialect.open();
    });
    after(async () => {
      await store?.dispose();
    });

    it('imports the good records, rejects the bad ones with reasons, and writes them to --rejects', async () => {
      const path = writeCsv('mixed.csv', 50, [7, 20]);
      const rejectsPath = join(dir, 'rejects.jsonl');
      const s = await importFile(store, { path, source: 'mixed', rejectsPath });
      assert.deepEqual(
        [s.imported, s.updated, s.unchanged, s.rejected, s.status],
        [48, 0, 0, 2, 'completed'],
      );
      const rejected = readFileSync(rejectsPath, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(
        rejected.map((r) => r.message),
        [
          'mixed.csv:8 (7): summary: missing: a report needs a summary',
          'mixed.csv:21 (20): summary: missing: a report needs a summary',
        ],
      );
      assert.equal(rejected[0].text, '7,,Core,Layout,2020-01-01');
      const again = await importFile(store, { path, source: 'mixed' });
      assert.deepEqual([again.imported, again.updated, again.unchanged, again.rejected], [0, 0, 48, 2]);
    });

    it('--strict imports nothing when anything is rejected', async () => {
      const path = writeCsv('strict.csv', 30, [15]);
      const s = await importFile(store, { path, source: 'strict', strict: true, batchSize: 10 });
      assert.equal(s.status, 'failed');
      assert.equal(s.imported, 0);
      assert.match(s.message ?? '', /1 record\(s\) rejected with --strict: nothing was imported/);
      assert.equal(await countReports(store.db, 'strict'), 0);
      const ok = await importFile(store, {
        path: writeCsv('strict-ok.csv', 30),
        source: 'strict',
        strict: true,
        batchSize: 10,
      });
      assert.equal(ok.status, 'completed');
      assert.equal(await countReports(store.db, 'strict'), 30);
    });

    it('stops at a batch boundary when interrupted, and the next run resumes after it', async () => {
      const path = writeCsv('resume.csv', 1000);
      const ac = new AbortController();
      const first = await importFile(store, {
        path,
        source: 'resume',
        batchSize: 100,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.imported >= 300) ac.abort();
        },
      });
      assert.equal(first.status, 'interrupted');
      const stored = await countReports(store.db, 'resume');
      assert.equal(stored, first.imported);
      assert.ok(stored >= 300 && stored < 1000, `stored ${stored}`);
      const run = await latestImportRun(
        store.db,
        'resume',
        path.startsWith('/') ? path : join(process.cwd(), path),
      );
      assert.equal(run?.status, 'interrupted');
      assert.equal(run?.checkpoint, String(stored));

      const second = await importFile(store, { path, source: 'resume', batchSize: 100 });
      assert.equal(second.status, 'completed');
      assert.equal(second.resumedFrom, stored);
      assert.equal(second.imported, 1000 - stored);
      assert.equal(second.unchanged, 0);
      assert.equal(await countReports(store.db, 'resume'), 1000);
    });

    it('joins a labels file by id and reports ids that matched nothing', async () => {
      const path = writeCsv('labelled.csv', 5);
      const labels = join(dir, 'labels.csv');
      writeFileSync(labels, 'bug_id,category\n1,nobug\n2,regression\n99,nobug\n');
      const s = await importFile(store, { path, source: 'labelled', labelsPath: labels });
      assert.equal(s.unmatchedLabels, 1);
      assert.deepEqual((await getReport(store.db, 'labelled', '1'))?.labels, { category: 'nobug' });
      assert.deepEqual((await getReport(store.db, 'labelled', '3'))?.labels, {});
    });

    it('refuses to run beside a live import of the same file, and takes over a dead one', async () => {
      const path = writeCsv('busy.csv', 10);
      const target = resolve(path);
      const live = await startImportRun(store.db, {
        source: 'busy',
        kind: 'file',
        target,
        fingerprint: 'x',
        // our parent process: alive, and not us
        options: { pid: process.ppid, host: hostname() },
      });
      await assert.rejects(
        importFile(store, { path, source: 'busy' }),
        new RegExp(`another import of .* is running \\(run #${live}, pid ${process.ppid}`),
      );
      await store.db
        .updateTable('import_runs')
        .set({ options: JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }) })
        .where('id', '=', live)
        .execute();
      const s = await importFile(store, { path, source: 'busy' });
      assert.equal(s.imported, 10);
      const dead = await store.db
        .selectFrom('import_runs')
        .select(['status', 'message'])
        .where('id', '=', live)
        .executeTakeFirstOrThrow();
      assert.equal(dead.status, 'interrupted');
      assert.match(dead.message ?? '', /ended without finishing/);
    });

    it('refuses an unknown format with a clear message', async () => {
      const p = join(dir, 'notes.txt');
      writeFileSync(p, 'just some notes\nnothing tabular\n');
      await assert.rejects(importFile(store, { path: p }), /unknown format/);
      const j = join(dir, 'odd.json');
      writeFileSync(j, '{"foo": 1, "bar": 2}\n');
      await assert.rejects(importFile(store, { path: j }), /unknown JSON record shape \(keys: foo, bar\)/);
    });
  });
}
