import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/index.ts';
import { createUser } from '../../src/triage/index.ts';
import { BIN, startServe } from '../support/serve-process.ts';
import { until } from '../support/until.ts';

const PASSWORD = 'correct horse battery';

/** Running (a zombie nobody reaped has ended: a container's init may not reap orphans). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pids of a process's children running `eightball ... worker` (Linux, as CI is). */
function workersOf(pid: number): number[] {
  const out = spawnSync('pgrep', ['-P', String(pid), '-f', 'eightball.js .* worker'], {
    encoding: 'utf8',
  }).stdout;
  return out.split('\n').filter(Boolean).map(Number);
}

describe('eightball serve stays up, and leaves nothing behind', () => {
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'eightball-hard-')), 'eightball.db')}`;

  it('a login whose next page has characters a Location header cannot carry redirects, and the server stays up', async () => {
    const store = await openStore(db);
    await createUser(store, { username: 'rita', password: PASSWORD, role: 'reporter' }, null);
    await store.close();
    const s = await startServe(['--db', db]);
    try {
      const page = await fetch(`${s.url}/login`);
      const cookie = page.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const res = await fetch(`${s.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, username: 'rita', password: PASSWORD, next: '/reports/。' }),
      });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/reports/%E3%80%82');
      assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
      assert.equal(s.child.exitCode, null);
    } finally {
      assert.equal(await s.stop(), 0);
    }
  });

  it('its job worker ends when the server is killed with SIGKILL', async () => {
    const s = await startServe(['--db', db]);
    let workers: number[] = [];
    await until('the job worker to start', () => {
      workers = workersOf(s.child.pid!);
      return workers.length > 0;
    });
    s.child.kill('SIGKILL');
    await until('the orphaned job worker to end', () => workers.every((p) => !alive(p)));
  });

  it('a port in use is one line naming the port and how to choose another, exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = spawnSync(process.execPath, [BIN, '--db', db, 'serve', '--no-jobs', '--port', String(port)], {
        encoding: 'utf8',
        env: { ...process.env, EIGHTBALL_LOG_LEVEL: 'silent' },
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use: choose another with --port`),
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      blocker.close();
    }
  });

  for (const cmd of ['serve', 'worker'])
    it(`${cmd} with a Redis nobody answers at: one clear message and exit 1, at once`, () => {
      const r = spawnSync(process.execPath, [BIN, '--db', db, cmd], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, EIGHTBALL_REDIS_URL: 'redis://127.0.0.1:6390', EIGHTBALL_LOG_LEVEL: 'silent' },
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /cannot reach Redis at redis:\/\/127\.0\.0\.1:6390 \(EIGHTBALL_REDIS_URL\)/);
      assert.ok(r.stderr.split('\n').filter(Boolean).length <= 2, r.stderr);
    });
});

describe('eightball worker when Redis goes away under it', () => {
  const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
  it('stops on the first SIGTERM, within its grace period', {
    skip: hasRedis ? false : 'redis-server is not installed',
  }, async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    try {
      await until(
        'the private Redis to answer',
        () =>
          spawnSync('redis-cli', ['-p', String(port), 'ping'])
            .stdout?.toString()
            .trim() === 'PONG',
      );
      const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'eightball-redis-gone-')), 'eightball.db')}`;
      const worker = spawn(process.execPath, [BIN, '--db', db, 'worker', '--grace', '1'], {
        env: {
          ...process.env,
          EIGHTBALL_REDIS_URL: `redis://127.0.0.1:${port}`,
          EIGHTBALL_LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      worker.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
      });
      await until('the worker to start', () => /on the bullmq queue/.test(err), 60_000);
      redis.kill('SIGKILL');
      await until('the worker to notice', () => /is not answering/.test(err));
      const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
      worker.kill('SIGTERM');
      await until('the worker to exit after one SIGTERM', () => worker.exitCode !== null, 30_000);
      assert.equal(await exited, 0, err);
      assert.ok(
        err.split('\n').filter((l) => /not answering/.test(l)).length <= 2,
        `one line per outage:\n${err}`,
      );
    } finally {
      redis.kill('SIGKILL');
    }
  });
});
