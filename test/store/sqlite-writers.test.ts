import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/index.ts';

const CHILD = fileURLToPath(new URL('../support/sqlite-writer-child.ts', import.meta.url));

function writer(url: string, tag: string, n: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, tag, String(n)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('SQLite with writers in several processes', () => {
  it('makes writers wait their turn: no "database is locked" when a read-then-write transaction meets another', async () => {
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'eightball-writers-')), 'eightball.db')}`;
    (await openStore(url)).close();
    const runs = await Promise.all([writer(url, 'a', 300), writer(url, 'b', 300), writer(url, 'c', 300)]);
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const store = await openStore(url);
    try {
      const n = await store.db
        .selectFrom('settings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('key', 'like', '_.%')
        .executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 900);
    } finally {
      await store.close();
    }
  });
});
