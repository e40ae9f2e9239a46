import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startServe } from '../support/serve-process.ts';

describe('eightball serve', () => {
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'eightball-serve-')), 'eightball.db')}`;

  it('opens a working app on an empty database, prints the first admin password once, stops cleanly', async () => {
    const first = await startServe(['--db', db]);
    const health = await fetch(`${first.url}/healthz`);
    assert.equal(health.status, 200);
    const login = await fetch(`${first.url}/login`);
    assert.equal(login.status, 200);
    assert.match(await login.text(), /Log in/);
    const password = /one-time password\n\n {4}(\S+)\n/.exec(first.stderr())?.[1];
    assert.ok(password, first.stderr());
    assert.equal(await first.stop(), 0);

    const again = await startServe(['--db', db]);
    assert.doesNotMatch(again.stderr(), /one-time password/);
    assert.equal(await again.stop(), 0);
  });

  it('runs several workers on one port, and all of them stop on SIGTERM', async () => {
    const s = await startServe(['--db', db], {}, ['--workers', '2']);
    assert.match(s.stderr(), /serving with 2 workers/);
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${s.url}/healthz`)));
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal(await s.stop(), 0);
  });

  it('refuses a bad port with a usage error', async () => {
    await assert.rejects(startServe(['--db', db], {}, ['--port', 'eighty']), /--port: /);
  });
});
