import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { evaluateFiles } from '../../src/localization/evaluate-files.ts';
import { openGitRepo } from '../../src/sources/git/git-command.ts';
import { loadReports } from '../../src/sources/load-reports.ts';
import { GitFixture } from '../support/git-fixture.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/eightball.js');
const COMPONENTS = ['Parser', 'Cache', 'Printer', 'Network', 'Storage', 'Render'];
const WORDS: Record<string, string> = {
  Parser: 'syntax select grammar token',
  Cache: 'stale eviction entries memory',
  Printer: 'page margin paper spool',
  Network: 'socket timeout proxy handshake',
  Storage: 'disk quota write flush',
  Render: 'pixel canvas paint frame',
};

/**
 * A repository where each report's fix changes the file of the class its words are about, and
 * the FSE'14 layout of the reports (tab-separated, the fix's commit and files per report).
 */
function build(repo: GitFixture): string {
  for (const c of COMPONENTS)
    repo.write(
      `src/app/${c}.java`,
      `package app;\n/** ${WORDS[c]} */\nclass ${c} {\n  void handle${c}() {}\n}\n`,
    );
  repo.write('src/app/Main.java', 'package app;\nclass Main { void main() {} }\n');
  repo.commit('initial', new Date(Date.UTC(2019, 0, 1)));
  const rows = ['id\tbug_id\tsummary\tdescription\treport_time\tstatus\tcommit\tfiles'];
  for (let i = 0; i < 36; i++) {
    const c = COMPONENTS[i % COMPONENTS.length]!;
    const filed = new Date(Date.UTC(2019, 1, 1 + i * 3));
    const fixedAt = new Date(filed.getTime() + 86_400_000);
    repo.write(
      `src/app/${c}.java`,
      `package app;\n/** ${WORDS[c]} */\nclass ${c} {\n  void handle${c}() { /* fix ${i} */ }\n}\n`,
    );
    // the last report's fix adds a file that did not exist before: it cannot be ranked
    const files = i === 35 ? 'src/app/Brand.java' : `src/app/${c}.java`;
    if (i === 35) repo.write('src/app/Brand.java', 'class Brand {}\n');
    const sha = repo.commit(`Bug ${1000 + i}: fix`, fixedAt);
    const words = WORDS[c]!.split(' ');
    rows.push(
      [
        i + 1,
        1000 + i,
        `${words[i % 4]} problem ${i}`,
        `the ${words[(i + 1) % 4]} goes wrong`,
        filed.toISOString().replace('T', ' ').slice(0, 19),
        'resolved fixed',
        sha.slice(0, 7),
        files,
      ].join('\t'),
    );
  }
  const path = join(repo.dir, '..', `${repo.dir.split('/').at(-1)}-reports.txt`);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

describe('evaluate --task files', () => {
  const repo = new GitFixture('localize');
  let input = '';
  before(() => {
    input = build(repo);
  });
  after(() => repo.cleanup());

  it('ranks the newest quarter against the source before each fix, learning from earlier fixes only', async () => {
    const { reports } = await loadReports(input);
    assert.equal(reports.length, 36);
    const r = await evaluateFiles(reports, { repo: openGitRepo(repo.dir) });
    assert.equal(r.mode, 'source');
    assert.equal(r.nTest + r.nSkipped, 9, 'the newest 25% of 36');
    assert.equal(r.nSkipped, 1, 'the report whose fix added its only file');
    assert.equal(r.filesPerRevision, 7);
    assert.ok(r.top1 > 0.5, `top-1 ${r.top1}: each report's words name its file`);
    assert.ok(r.top5 >= r.top1 && r.top10 >= r.top5);
    assert.ok(r.map > 0 && r.mrr >= r.map - 1e-9);
    assert.ok(r.rows[0]!.top[0]!.why.length > 0);
  });

  it('without a repository, ranks the files earlier fixes touched', async () => {
    const { reports } = await loadReports(input);
    const r = await evaluateFiles(reports);
    assert.equal(r.mode, 'history');
    assert.equal(r.filesIndexed, 0);
    assert.ok(r.top10 > 0.5, `top-10 ${r.top10}`);
  });

  it('prints the contract as one JSON object, and refuses what it cannot do', () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    const ok = cli('evaluate', '--task', 'files', '-i', input, '--repo', repo.dir, '--json');
    assert.equal(ok.status, 0, ok.stderr);
    const j = JSON.parse(ok.stdout);
    for (const k of [
      'top1',
      'top5',
      'top10',
      'map',
      'mrr',
      'nTest',
      'nSkipped',
      'filesIndexed',
      'fitSeconds',
      'rankMsP99',
    ])
      assert.equal(typeof j[k], 'number', k);
    const filed = cli('evaluate', '--task', 'files', '-i', input, '--revision', 'filed');
    assert.equal(filed.status, 2);
    assert.match(filed.stderr, /--revision filed needs --repo/);
    const notRepo = cli('evaluate', '--task', 'files', '-i', input, '--repo', join(repo.dir, 'nowhere'));
    assert.equal(notRepo.status, 1);
    assert.match(notRepo.stderr, /no such directory/);
    const noLabel = cli('evaluate', '-i', input);
    assert.equal(noLabel.status, 2);
    assert.match(noLabel.stderr, /--label FIELD/);
  });
});
