import type { Command } from 'commander';
import { listImportRuns, migrateToLatest, openStore } from '../../store/index.ts';
import { configFrom, withStore } from '../context.ts';

export function registerDb(program: Command): void {
  const db = program.command('db').description('the database: migrations and import history');
  db.command('migrate')
    .description('bring the database schema to the latest version (also done on every start)')
    .addHelpText(
      'after',
      '\nExample:\n  $ EIGHTBALL_DATABASE_URL=postgres://eightball@db.example.org/eightball eightball db migrate',
    )
    .action(async (_o, cmd: Command) => {
      const config = configFrom(cmd);
      const store = await openStore(config.databaseUrl, { migrate: false });
      try {
        const applied = await migrateToLatest(store);
        process.stdout.write(
          applied.length > 0
            ? `applied ${applied.join(', ')} to ${store.displayUrl}\n`
            : `${store.displayUrl} is up to date\n`,
        );
      } finally {
        await store.close();
      }
    });
  db.command('runs')
    .description('list recent import runs with their counts and checkpoints')
    .option('-n, --limit <n>', 'how many runs', (v) => Number.parseInt(v, 10), 20)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ eightball db runs --limit 5')
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const runs = await listImportRuns(store.db, o.limit);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(runs)}\n`);
          return;
        }
        for (const r of runs) {
          process.stdout.write(
            `#${r.id} ${r.status.padEnd(11)} ${r.started_at} ${r.source}  imported ${r.imported}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}${r.checkpoint ? `  checkpoint ${r.checkpoint}` : ''}${r.message ? `  (${r.message})` : ''}\n`,
          );
        }
        if (runs.length === 0) process.stdout.write('no import runs yet\n');
      });
    });
}
