import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { resolvedTime } from '../../src/localization/evaluate-files.ts';
import { readFixedFiles } from '../../src/sources/fixed-files.ts';
import { loadReports } from '../../src/sources/load-reports.ts';

const run = promisify(execFile);
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/eightball.js');
const CLASSES: Record<string, string> = {
  SocketReader: 'socket timeout while reading the handshake',
  DiskFlusher: 'disk flush fails when the quota is full',
  PagePrinter: 'page margins wrong when printing on letter paper',
  GrammarParser: 'grammar error on a nested select token',
};

/** Jira research-dump records (no `updated`, a `resolutiondate`) and a code_changes.json map. */
function fixture(dir: string): { reports: string; changes: string } {
  const names = Object.keys(CLASSES);
  const lines: string[] = [];
  const changes: Record<string, string[]> = {};
  for (let i = 0; i < 40; i++) {
    const cls = names[i % names.length]!;
    const created = new Date(Date.UTC(2018, 0, 1 + i * 5));
    const resolved = new Date(created.getTime() + 2 * 86_400_000);
    lines.push(
      JSON.stringify({
        key: `PROJ-${i + 1}`,
        project: 'PROJ',
        issuetype: 'Bug',
        summary: `${CLASSES[cls]} (${i})`,
        description: `seen again: ${CLASSES[cls]}`,
        components: ['core'],
        created: created.toISOString().replace('Z', '+0000'),
        resolutiondate: resolved.toISOString().replace('Z', '+0000'),
      }),
    );
    // one in ten reports has no recorded change: it is left out, not guessed
    if (i % 10 !== 9) changes[`PROJ-${i + 1}`] = [cls, ...(i % 3 === 0 ? ['CommonTests'] : [])];
  }
  changes['OTHER-1'] = ['Unrelated'];
  const reports = join(dir, 'PROJ.jsonl');
  const map = join(dir, 'code_changes.json');
  writeFileSync(reports, `${lines.join('\n')}\n`);
  writeFileSync(map, JSON.stringify(changes));
  return { reports, changes: map };
}

describe('evaluate --task files --fixed-files (history only, Jira code changes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eightball-fixed-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const { reports, changes } = fixture(dir);

  it('reads the map, one entry a report, and refuses a value that is not a list of names', () => {
    const table = readFixedFiles(changes);
    assert.equal(table.get('PROJ-1')?.files, 'SocketReader CommonTests');
    assert.equal(table.has('PROJ-10'), false);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ 'PROJ-1': ['A'], 'PROJ-2': 'B' }));
    assert.throws(() => readFixedFiles(bad), /PROJ-2: expected a list of file or class names/);
    writeFileSync(bad, JSON.stringify({ 'PROJ-3': ['Two words'] }));
    assert.throws(() => readFixedFiles(bad), /PROJ-3: "Two words" holds a blank/);
    writeFileSync(bad, '[1, 2]');
    assert.throws(() => readFixedFiles(bad), /a JSON object from report id/);
  });

  it("takes a Jira dump's resolution date as the fix's time when no commit is known", async () => {
    const { reports: loaded } = await loadReports(reports, { keepRaw: true });
    assert.equal(loaded[0]!.updatedAt, null);
    assert.equal(resolvedTime(loaded[0]!), Date.UTC(2018, 0, 3));
  });

  it('ranks the classes of the newest reports from the earlier fixes, as one JSON object', async () => {
    const { stdout, stderr } = await run(process.execPath, [
      BIN,
      'evaluate',
      '--task',
      'files',
      '-i',
      reports,
      '--fixed-files',
      changes,
      '--json',
    ]);
    const e = JSON.parse(stdout);
    assert.equal(stderr, '');
    // 36 reports have fixes; the newest quarter of them are tested
    assert.equal(e.nTest + e.nSkipped, 9);
    assert.ok(e.nTest >= 8, `tested ${e.nTest}`);
    // each report's words name its class's earlier reports: the class is ranked first
    assert.ok(e.top1 >= 0.75, `top-1 ${e.top1}`);
    assert.ok(e.top5 >= e.top1);
  });

  it('exits 2 when no id matches, or when the flag is given without --task files', async () => {
    const none = join(dir, 'none.json');
    writeFileSync(none, JSON.stringify({ 'X-1': ['A'] }));
    const cli = (...args: string[]) =>
      run(process.execPath, [BIN, 'evaluate', '-i', reports, ...args]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
    const a = await cli('--task', 'files', '--fixed-files', none);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /none of its report ids is in/);
    const b = await cli('--label', 'component', '--fixed-files', changes);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--fixed-files goes with --task files/);
  });
});
