import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/eightball.js');
const dir = mkdtempSync(join(tmpdir(), 'eightball-crash-'));
const ROWS = 60_000;

function bigCsv(): string {
  const p = join(dir, 'big.csv');
  const lines = ['bug_id;short_desc;product;component;opendate'];
  for (let i = 1; i <= ROWS; i++)
    lines.push(`${i};"Report ${i}: toolbar button ${i % 97} misdrawn";Firefox;Toolbars;2020-01-01 10:00:00`);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

/** Wait until the running import has committed at least `n` records, reading the database as another process would. */
async function committed(db: string, n: number, child: ChildProcess): Promise<number> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null)
      throw new Error(`import ended (exit ${child.exitCode}) before ${n} records were committed`);
    try {
      const conn = new SQLite(db, { readonly: true, fileMustExist: true });
      const row = conn
        .prepare("select checkpoint from import_runs where status = 'running' order by id desc limit 1")
        .get() as { checkpoint: string | null } | undefined;
      conn.close();
      const c = Number(row?.checkpoint ?? 0);
      if (c >= n) return c;
    } catch {
      // not created yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for the import to commit');
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
}

function rows(db: string, sql: string): unknown[] {
  const conn = new SQLite(db, { readonly: true });
  try {
    return conn.prepare(sql).all();
  } finally {
    conn.close();
  }
}

describe('an import killed or interrupted mid-way', () => {
  const csv = bigCsv();

  for (const how of ['SIGKILL', 'SIGINT'] as const) {
    it(`leaves the database consistent after ${how}, and the next run resumes`, async () => {
      const db = join(dir, `${how}.db`);
      const env = { ...process.env, EIGHTBALL_DATABASE_URL: `sqlite:${db}` };
      const child = spawn(process.execPath, [BIN, 'import', 'file', csv, '--source', 'big'], {
        env,
        stdio: 'pipe',
      });
      let stderr = '';
      child.stderr?.on('data', (d) => {
        stderr += d;
      });
      await committed(db, 5000, child);
      child.kill(how);
      const end = await exited(child);
      if (how === 'SIGKILL') assert.equal(end.signal, 'SIGKILL');
      else assert.equal(end.code, 130, stderr);

      // what was committed is whole: every stored report belongs to a committed batch
      const [counts] = rows(
        db,
        'select (select count(*) from bug_reports) as n, (select checkpoint from import_runs order by id desc limit 1) as checkpoint',
      ) as { n: number; checkpoint: string }[];
      assert.ok(counts);
      const { n, checkpoint } = counts;
      assert.equal(n, Number(checkpoint));
      assert.ok(n > 0 && n < ROWS, `stored ${n}`);

      const again = spawnSync(process.execPath, [BIN, 'import', 'file', csv, '--source', 'big'], {
        env,
        encoding: 'utf8',
      });
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stderr, new RegExp(`resumed after record ${n} of an interrupted run`));
      assert.match(
        again.stdout,
        new RegExp(`^imported ${ROWS - n}, updated 0, unchanged 0, rejected 0`, 'm'),
      );
      const runs = rows(db, 'select status from import_runs order by id') as { status: string }[];
      assert.deepEqual(
        runs.map((r) => r.status),
        ['interrupted', 'completed'],
      );
      assert.deepEqual(rows(db, 'select count(*) as n from bug_reports'), [{ n: ROWS }]);
    });
  }
});
