import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { BIN } from './serve-process.ts';
import { triageCorpus } from './triage-corpus.ts';

/** A fresh SQLite database for CLI tests, and a runner of `eightball --db DB ...` on it. */
export function cliDatabase(prefix: string): {
  db: string;
  cli: (...args: string[]) => SpawnSyncReturns<string>;
  seed: (reports: number) => Promise<void>;
} {
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), `eightball-${prefix}-`)), 'eightball.db')}`;
  return {
    db,
    cli: (...args) =>
      spawnSync(process.execPath, [BIN, '--db', db, ...args], {
        encoding: 'utf8',
        env: { ...process.env, EIGHTBALL_LOG_LEVEL: 'warn' },
      }),
    // the triage corpus: components with words of their own, filed over time
    seed: async (reports) => {
      const store = await openStore(db);
      await upsertReports(store.db, triageCorpus(reports));
      await store.close();
    },
  };
}
