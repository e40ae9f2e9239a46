import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  defaultSourceName,
  detectFileFormat,
  FILE_FORMATS,
  readReportFile,
} from '../../src/sources/file-source.ts';
import { DUMP_FORMATS } from '../../src/sources/formats/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'eightball-formats-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** One small file of each registered format, each with one report. */
const SAMPLES: Record<string, [string, string]> = {
  'bugzilla-json': [
    'bugs.jsonl',
    `${JSON.stringify({ id: 7, summary: 'Crash on start', product: 'Core', component: 'DOM', creation_time: '2020-01-01T00:00:00Z' })}\n`,
  ],
  'github-json': [
    'issues.json',
    JSON.stringify([
      {
        number: 7,
        title: 'Crash on start',
        body: 'it crashes',
        html_url: 'https://github.com/o/r/issues/7',
        created_at: '2020-01-01T00:00:00Z',
        labels: [],
      },
    ]),
  ],
  'jira-json': [
    'jira.jsonl',
    `${JSON.stringify({ key: 'HDFS-7', fields: { summary: 'Crash on start', created: '2020-01-01T00:00:00.000+0000', components: [{ name: 'namenode' }], issuetype: { name: 'Bug' } } })}\n`,
  ],
  csv: ['buglist.csv', 'bug_id,short_desc,product,component\n7,Crash on start,Core,DOM\n'],
  'blia-xml': [
    'repo.xml',
    '<?xml version="1.0" encoding="UTF-8"?>\n<bugrepository name="X">\n<bug id="7" opendate="2020-01-01 00:00:00" fixdate="2020-01-02 00:00:00">\n<buginformation><summary>Crash on start</summary><description>it crashes</description></buginformation>\n<fixedFiles><file>a/B.java</file></fixedFiles>\n</bug>\n</bugrepository>\n',
  ],
};

describe('dump formats, one file each, found through the registry', () => {
  it('the --format choices are the registered formats', () => {
    assert.deepEqual(FILE_FORMATS, ['auto', ...DUMP_FORMATS.map((f) => f.name)]);
    assert.deepEqual(
      Object.keys(SAMPLES).sort(),
      DUMP_FORMATS.map((f) => f.name).sort(),
      'every format has a sample here',
    );
  });

  for (const f of DUMP_FORMATS)
    it(`${f.name}: recognised by its content, read into a report, named after its tracker`, async () => {
      const [name, text] = SAMPLES[f.name]!;
      const path = write(name, text);
      assert.equal(await detectFileFormat(path), f.name);
      const items = [];
      for await (const item of readReportFile(path, { source: 's' })) items.push(item);
      assert.equal(items.length, 1);
      assert.equal(items[0]!.kind, 'report', JSON.stringify(items[0]));
      if (items[0]!.kind === 'report') assert.equal(items[0]!.report.summary, 'Crash on start');
      assert.equal(defaultSourceName(path, f.name), `${f.tracker}:${name.replace(/\.[^.]+$/, '')}`);
    });

  it('a format named that does not exist is a usage error naming the choices', async () => {
    const path = write('x.csv', SAMPLES.csv![1]);
    await assert.rejects(async () => {
      for await (const _ of readReportFile(path, { source: 's', format: 'yaml' })) void _;
    }, /--format: "yaml" is not one of auto, bugzilla-json/);
  });
});
