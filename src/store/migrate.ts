import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import { EightballError } from '../domain/index.ts';
import type { Store } from './database.ts';
import * as m001 from './migrations/001-initial.ts';
import * as m002 from './migrations/002-triage.ts';
import * as m003 from './migrations/003-jobs.ts';
import * as m004 from './migrations/004-hardening.ts';
import * as m005 from './migrations/005-report-data.ts';
import * as m006 from './migrations/006-tasks.ts';
import * as m007 from './migrations/007-git.ts';
import * as m008 from './migrations/008-tracker-loop.ts';
import * as m009 from './migrations/009-binary-artifacts.ts';
import * as m010 from './migrations/010-report-search.ts';
import * as m011 from './migrations/011-artifact-storage.ts';

/** Migrations are code, listed here in order: a bundle or a compiled build finds them without a file scan. */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-triage': m002,
  '003-jobs': m003,
  '004-hardening': m004,
  '005-report-data': m005,
  '006-tasks': m006,
  '007-git': m007,
  '008-tracker-loop': m008,
  '009-binary-artifacts': m009,
  '010-report-search': m010,
  '011-artifact-storage': m011,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export async function migrateToLatest(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const why = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new EightballError(
      'database',
      `migration ${failed?.migrationName ?? ''} failed on ${store.displayUrl}: ${why}`.replace('  ', ' '),
      error,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
