import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importFile } from '../../src/jobs/import-file.ts';
import { getReport, openStore } from '../../src/store/index.ts';

describe("a dump's reports link to their tracker", () => {
  const dir = mkdtempSync(join(tmpdir(), 'eightball-links-'));
  const path = join(dir, 'bugs.json');
  writeFileSync(
    path,
    JSON.stringify({
      bugs: [
        {
          id: 42,
          summary: 'Crash on start',
          product: 'Core',
          component: 'DOM',
          creation_time: '2024-01-01T00:00:00Z',
        },
      ],
    }),
  );

  it('links each Bugzilla bug to show_bug.cgi under --base-url, and to nothing without it', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await importFile(store, { path, source: 'bugzilla:moz', baseUrl: 'https://bugzilla.mozilla.org/' });
      assert.equal(
        (await getReport(store.db, 'bugzilla:moz', '42'))?.url,
        'https://bugzilla.mozilla.org/show_bug.cgi?id=42',
      );
      await importFile(store, { path, source: 'bugzilla:other' });
      assert.equal((await getReport(store.db, 'bugzilla:other', '42'))?.url, null);
      await assert.rejects(
        importFile(store, { path, source: 'x', baseUrl: 'bugzilla.mozilla.org' }),
        /--base-url: "bugzilla.mozilla.org" is not an http\(s\) URL/,
      );
    } finally {
      await store.close();
    }
  });
});
