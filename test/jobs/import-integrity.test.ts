import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RecordError } from '../../src/domain/index.ts';
import { importFile } from '../../src/jobs/import-file.ts';
import { FIELD_LIMITS } from '../../src/sources/field-limits.ts';
import type { SourceWarning } from '../../src/sources/source-item.ts';
import { countReports, getReport, latestImportRun, type Store } from '../../src/store/index.ts';
import { DIALECTS } from '../support/dialects.ts';

const dir = mkdtempSync(join(tmpdir(), 'eightball-integrity-'));
const bug = (id: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    summary: `bug ${id}`,
    creation_time: '2020-01-0' + ((id % 9) + 1) + 'T00:00:00Z',
    product: 'P',
    component: 'C',
    ...extra,
  });

function write(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function imported(store: Store, path: string, source: string) {
  const warnings: SourceWarning[] = [];
  const rejected: RecordError[] = [];
  const s = await importFile(store, {
    path,
    source,
    onWarning: (w) => warnings.push(w),
    onRejected: (e) => rejected.push(e),
  });
  return { s, warnings, rejected };
}

for (const dialect of DIALECTS)
  describe(`imports change nothing silently, on ${dialect.name}`, { skip: dialect.skip }, () => {
    let store: Store & { dispose(): Promise<void> };
    before(async () => {
      store = await dialect.open();
    });
    after(async () => store?.dispose());

    it('a record nested 6,000 deep is one rejected record with its line; the others are imported', async () => {
      const deep = `{"id":2,"summary":"deep","x":${'['.repeat(6000)}${']'.repeat(6000)}}`;
      const path = write('deep.jsonl', `${bug(1)}\n${deep}\n${bug(3)}\n`);
      const { s, rejected } = await imported(store, path, 'deep');
      assert.equal(s.imported, 2);
      assert.equal(rejected.length, 1);
      assert.equal(rejected[0]!.location.line, 2);
      assert.match(rejected[0]!.reason, /nested deeper than 100 levels/);
    });

    it('cuts a description past its limit to the limit, and says so with the line and id', async () => {
      const big = 'x'.repeat(FIELD_LIMITS.description + 10);
      const path = write('big.jsonl', `${bug(1)}\n${bug(2, { description: big })}\n`);
      const { s, warnings } = await imported(store, path, 'big');
      assert.equal(s.imported, 2);
      const stored = await getReport(store.db, 'big', '2');
      assert.equal(stored?.description.length, FIELD_LIMITS.description);
      const w = warnings.find((x) => x.id === '2');
      assert.equal(w?.line, 2);
      assert.match(w!.message, /^description: 1,048,586 characters, cut to the first 1,048,576/);
    });

    it('refuses a day that does not exist and a summary that is an object, instead of rolling or stringifying', async () => {
      const path = write(
        'dates.jsonl',
        [bug(1, { creation_time: '2020-02-30T00:00:00Z' }), bug(2, { summary: { a: 1 } }), bug(3)].join('\n'),
      );
      const { s, rejected } = await imported(store, path, 'dates');
      assert.equal(s.imported, 1);
      assert.deepEqual(
        rejected.map((r) => [r.location.line, r.field]),
        [
          [1, 'createdAt'],
          [2, 'summary'],
        ],
      );
      assert.match(rejected[0]!.reason, /2020-02 has 29 days/);
      assert.match(rejected[1]!.reason, /not text: a JSON object/);
    });

    it('warns, with the line, where bytes are not UTF-8 (JSON lines and CSV)', async () => {
      const json = write(
        'latin1.jsonl',
        Buffer.concat([
          Buffer.from(`${bug(1)}\n{"id":2,"summary":"caf`),
          Buffer.from([0xe9]),
          Buffer.from('"}\n'),
        ]),
      );
      const j = await imported(store, json, 'latin1');
      assert.equal(j.s.imported, 2);
      assert.deepEqual(
        j.warnings.map((w) => [w.line, /byte 0xe9 is not UTF-8/.test(w.message)]),
        [[2, true]],
      );
      const csv = write(
        'latin1.csv',
        Buffer.concat([
          Buffer.from('bug_id,short_desc,product\n1,fine,P\n2,na'),
          Buffer.from([0xef, 0x76]),
          Buffer.from('e\n'),
        ]),
      );
      const c = await imported(store, csv, 'latin1-csv');
      assert.equal(c.s.imported, 2);
      assert.deepEqual(
        c.warnings.filter((w) => /UTF-8/.test(w.message)).map((w) => w.line),
        [3],
      );
    });

    it('refuses XML with an element left open, naming the line', async () => {
      const path = write(
        'open.xml',
        '<?xml version="1.0" encoding="UTF-8"?>\n<bugrepository name="X">\n<bug id="1" opendate="2020-01-01 00:00:00">\n<buginformation><summary>one</summary>\n</bug>\n</bugrepository>\n',
      );
      await assert.rejects(
        importFile(store, { path, source: 'open-xml' }),
        /open\.xml:\d+: not well-formed XML/,
      );
      assert.equal(await countReports(store.db, 'open-xml'), 0);
    });

    it('keeps CSV rows without ids apart even when product, date and summary agree', async () => {
      const path = write(
        'noid.csv',
        'short_desc,product,opendate\nSame,P,2020-01-01\nSame,P,2020-01-01\nOther,P,2020-01-01\n',
      );
      const first = await imported(store, path, 'noid');
      assert.equal(first.s.imported, 3);
      assert.equal(await countReports(store.db, 'noid'), 3);
      const again = await imported(store, path, 'noid');
      assert.equal(again.s.unchanged, 3, 'the derived ids are stable across imports');
    });

    it('says when one file holds the same id twice with other content', async () => {
      const path = write('twice.jsonl', [bug(1), bug(2), bug(1, { summary: 'bug 1, again' })].join('\n'));
      const { s, warnings } = await imported(store, path, 'twice');
      assert.equal(s.imported, 2);
      assert.equal(s.updated, 1);
      const w = warnings.find((x) => x.id === '1');
      assert.equal(w?.line, 3);
      assert.match(w!.message, /also at line 1 with other content/);
    });

    it('a resumed import that dies before its first commit still knows where it resumed from', async () => {
      const lines = Array.from({ length: 300 }, (_, i) => (i === 199 ? '{"id": broken' : bug(i + 1)));
      const path = write('resume.jsonl', `${lines.join('\n')}\n`);
      const ac = new AbortController();
      await importFile(store, {
        path,
        source: 'resume',
        batchSize: 100,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.imported >= 100) ac.abort();
        },
      });
      const stopped = await latestImportRun(store.db, 'resume', resolve(path));
      assert.equal(stopped?.status, 'interrupted');
      const from = Number(stopped!.checkpoint);
      assert.ok(from >= 100 && from < 200, `checkpoint ${from}`);
      // the resumed run dies at line 200, before its first commit (batches of 1,000)
      await assert.rejects(
        importFile(store, {
          path,
          source: 'resume',
          batchSize: 1000,
          onRejected: () => {
            throw new Error('the process died here');
          },
        }),
        /the process died here/,
      );
      const died = await latestImportRun(store.db, 'resume', resolve(path));
      assert.equal(died?.status, 'failed');
      assert.equal(Number(died!.checkpoint), from);
      const third = await importFile(store, { path, source: 'resume' });
      assert.equal(third.resumedFrom, from);
      assert.equal(await countReports(store.db, 'resume'), 299);
    });
  });
