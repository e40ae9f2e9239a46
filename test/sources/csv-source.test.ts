import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatRecordError } from '../../src/domain/index.ts';
import { detectDelimiter, parseColumnMap, readCsvReports } from '../../src/sources/csv-source.ts';
import type { SourceItem, SourceWarning } from '../../src/sources/source-item.ts';

const dir = mkdtempSync(join(tmpdir(), 'eightball-csv-'));

async function readCsv(
  name: string,
  content: string,
  map = {},
): Promise<{ items: SourceItem[]; warnings: SourceWarning[] }> {
  const p = join(dir, name);
  writeFileSync(p, content);
  const items: SourceItem[] = [];
  const warnings: SourceWarning[] = [];
  for await (const it of readCsvReports(p, { source: 'test', map, onWarning: (w) => warnings.push(w) }))
    items.push(it);
  return { items, warnings };
}

describe('CSV import', () => {
  it('detects the delimiter from the header', () => {
    assert.equal(detectDelimiter('"bugID";"sd";"pd"'), ';');
    assert.equal(detectDelimiter('id,summary,"a;b"'), ',');
    assert.equal(detectDelimiter('id\tsummary\tfiles'), '\t');
  });

  it("maps Bugzilla's short buglist columns and its long field names alike", async () => {
    const short = await readCsv(
      'short.csv',
      '"bugID";"sd";"pd";"co";"bsr";"ct"\n"1";"Crash on start";"Firefox";"General";"critical";"2019-11-28 01:50:26 -0800"\n',
    );
    const long = await readCsv(
      'long.csv',
      'bug_id,short_desc,product,component,bug_severity,opendate\n1,Crash on start,Firefox,General,critical,2019-11-28 01:50:26 -0800\n',
    );
    for (const { items } of [short, long]) {
      assert.equal(items.length, 1);
      const it = items[0]!;
      assert.equal(it.kind, 'report');
      if (it.kind !== 'report') continue;
      assert.equal(it.report.externalId, '1');
      assert.equal(it.report.summary, 'Crash on start');
      assert.equal(it.report.product, 'Firefox');
      assert.equal(it.report.component, 'General');
      assert.equal(it.report.severity, 'critical');
      assert.equal(it.report.createdAt, '2019-11-28T09:50:26.000Z');
    }
  });

  it('rejects bad rows with file, line, id, field and reason, and keeps the good ones', async () => {
    const { items } = await readCsv(
      'bad.csv',
      'id,summary,created\n1,Good one,2020-01-01\n2,,2020-01-02\n3,Bad date,yesterday\n4,"Quoted, with comma\nand newline",2020-01-04\n5,Too,many,fields,here\n',
    );
    const errors = items
      .filter((i) => i.kind === 'error')
      .map((i) => (i.kind === 'error' ? formatRecordError(i.error) : ''));
    const good = items.filter((i) => i.kind === 'report');
    assert.equal(good.length, 2);
    assert.deepEqual(errors, [
      'bad.csv:3 (2): summary: missing: a report needs a summary',
      'bad.csv:4 (3): createdAt: not a date: "yesterday"',
      'bad.csv:7 (5): record: 5 fields where the header has 3',
    ]);
    const quoted = good[1]!;
    assert.equal(quoted.kind === 'report' && quoted.report.summary, 'Quoted, with comma\nand newline');
  });

  it('uses --map, and refuses a map naming a missing column', async () => {
    const content = 'Key,IssueTitle,Description,ComponentName\nP-1,Login fails,Steps...,Auth\n';
    const { items } = await readCsv(
      'mapped.csv',
      content,
      parseColumnMap('externalId=Key,summary=IssueTitle,component=ComponentName'),
    );
    assert.equal(items[0]?.kind, 'report');
    if (items[0]?.kind === 'report') {
      assert.equal(items[0].report.component, 'Auth');
      assert.equal(items[0].report.description, 'Steps...');
    }
    await assert.rejects(
      readCsv('mapped2.csv', content, parseColumnMap('summary=Title')),
      /no column "Title"/,
    );
    assert.throws(() => parseColumnMap('colour=Red'), /unknown field "colour"/);
    assert.throws(() => parseColumnMap('summary'), /not field=column/);
  });

  it('warns about unknown columns instead of dropping them silently', async () => {
    const { items, warnings } = await readCsv('extra.csv', 'id,summary,mood\n1,Hello,happy\n');
    assert.equal(items.length, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /column "mood": unknown/);
    assert.deepEqual(items[0]?.kind === 'report' && items[0].report.raw, {
      id: '1',
      summary: 'Hello',
      mood: 'happy',
    });
  });

  it('reads a file whose line endings change half-way, and bounds a runaway quoted field', async () => {
    const mixed = await readCsv('mixed.csv', 'id;summary\r\n1;First\r\n2;Second\n3;Third\n');
    assert.deepEqual(
      mixed.items.map((i) => (i.kind === 'report' ? i.report.summary : 'error')),
      ['First', 'Second', 'Third'],
    );
    const runaway = await readCsv(
      'runaway.csv',
      `id,summary\n1,"never closed ${'x'.repeat(5 * 1024 * 1024)}\n2,fine\n`,
    );
    assert.equal(runaway.items.length, 1);
    assert.equal(runaway.items[0]!.kind, 'error');
    assert.match(
      runaway.items[0]!.kind === 'error' ? runaway.items[0]!.error.reason : '',
      /malformed CSV: Max Record Size/,
    );
  });

  it('refuses a file with no summary column, naming the columns it has', async () => {
    await assert.rejects(readCsv('nosum.csv', 'a,b\n1,2\n'), /no summary column.*columns: a, b/);
  });
});
