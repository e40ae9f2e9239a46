import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TEST_POSTGRES_URL } from '../support/dialects.ts';
import { sharedFile, skipUnlessShared } from '../support/shared-data.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/eightball.js');
const dir = mkdtempSync(join(tmpdir(), 'eightball-cli-'));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, EIGHTBALL_DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`, ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the eightball command', () => {
  it('teaches with --help, for the tool and each command, and exits 0', () => {
    const top = run(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /Usage: eightball/);
    assert.match(top.stdout, /EIGHTBALL_DATABASE_URL/);
    const file = run(['import', 'file', '--help']);
    assert.equal(file.code, 0);
    for (const opt of ['--format', '--map', '--labels', '--rejects', '--strict', 'Examples:'])
      assert.ok(file.stdout.includes(opt), opt);
    const bz = run(['import', 'bugzilla', '--help']);
    assert.match(bz.stdout, /--product/);
    assert.match(bz.stdout, /Retry-After/);
  });

  it('exits quietly when its reader stops reading (eightball ... | head)', async () => {
    const child = spawn(process.execPath, [BIN, 'import', 'file', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
  });

  it('prints its version', () => {
    const v = run(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.stdout.trim(), '0.1.0');
  });

  it('exits 2 on a usage error, naming the problem', () => {
    const r = run(['import', 'file']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing required argument 'path'/);
    const bad = run(['import', 'file', 'x.csv', '--format', 'xls']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Allowed choices are/);
    const map = run(['import', 'file', 'x.csv', '--map', 'colour=Red']);
    assert.equal(map.code, 2);
    assert.match(map.stderr, /unknown field "colour"/);
    const cfg = run(['stats'], { EIGHTBALL_DATABASE_URL: 'mysql://nope' });
    assert.equal(cfg.code, 2);
    assert.match(cfg.stderr, /EIGHTBALL_DATABASE_URL: must be sqlite:PATH/);
  });

  it('exits 1 when the file is missing or the database is unreachable', () => {
    const r = run(['import', 'file', join(dir, 'missing.csv')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no such file/);
    const pg = run(['stats'], { EIGHTBALL_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    assert.equal(pg.code, 1);
    assert.match(pg.stderr, /cannot connect to postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
  });

  it('imports a file with rejects, prints the summary, and --strict exits 1', () => {
    const csv = join(dir, 'small.csv');
    writeFileSync(csv, 'id;summary;component\n1;Works;UI\n2;;UI\n3;Also works;Core\n');
    const r = run(['import', 'file', csv, '--rejects', join(dir, 'rej.jsonl')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /rejected small\.csv:3 \(2\): summary: missing/);
    assert.match(
      r.stdout,
      /^imported 2, updated 0, unchanged 0, rejected 1 \(source csv:small, run #\d+\)$/m,
    );
    const strict = run(['import', 'file', csv, '--strict', '--source', 'strict']);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /nothing was imported/);
    const json = run(['import', 'file', csv, '--json']);
    const summary = JSON.parse(json.stdout);
    assert.deepEqual([summary.imported, summary.unchanged, summary.rejected], [0, 2, 1]);
  });

  it('shows stats of what was imported', {
    skip: skipUnlessShared('bugzilla', 'list-exports', 'Netbeans.csv'),
  }, () => {
    const db = `sqlite:${join(dir, 'stats.db')}`;
    const imp = run([
      '--db',
      db,
      '-q',
      'import',
      'file',
      sharedFile('bugzilla', 'list-exports', 'Netbeans.csv'),
    ]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /imported 4305/);
    const s = run(['--db', db, 'stats', '--json']);
    const stats = JSON.parse(s.stdout);
    assert.equal(stats.total, 4305);
    assert.equal(stats.bySource[0].key, 'csv:Netbeans');
    const text = run(['--db', db, 'stats', '--top', '3']);
    assert.match(text.stdout, /^4305 reports/);
    assert.match(text.stdout, /by product::component \(top 3\)/);
  });

  it('runs the same import on PostgreSQL', {
    skip: TEST_POSTGRES_URL ? false : 'EIGHTBALL_TEST_POSTGRES_URL is not set',
  }, () => {
    const csv = join(dir, 'pg.csv');
    const id = `${process.pid}-${Date.now()}`;
    writeFileSync(csv, `id,summary\n${id},On PostgreSQL\n`);
    const r = run(['import', 'file', csv, '--source', `cli-test-${id}`], {
      EIGHTBALL_DATABASE_URL: TEST_POSTGRES_URL!,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported 1,/);
  });
});
