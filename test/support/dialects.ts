import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';

export interface DialectUnderTest {
  name: 'sqlite' | 'postgres';
  /** a reason to skip, or false */
  skip: string | false;
  /** a fresh, empty, migrated store; each call gets its own database */
  open(): Promise<Store & { dispose(): Promise<void> }>;
}

const PG_URL = process.env.EIGHTBALL_TEST_POSTGRES_URL;

/** The store tests run on both dialects: SQLite always, PostgreSQL when CI gives a URL. */
export const DIALECTS: DialectUnderTest[] = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const store = await openStore('sqlite::memory:');
      return { ...store, dispose: () => store.close() };
    },
  },
  {
    name: 'postgres',
    skip: PG_URL
      ? false
      : 'EIGHTBALL_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)',
    async open() {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      const name = `eightball_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(PG_URL!);
      url.pathname = `/${name}`;
      const store = await openStore(url.toString());
      return {
        ...store,
        async dispose() {
          await store.close();
          const a = new pg.Client({ connectionString: PG_URL });
          await a.connect();
          // the pool's sockets close a moment after it ends: forcing the drop before then would
          // hand a closing client a "terminating connection" error with nobody listening
          for (let i = 0; i < 40; i++) {
            const r = await a.query('select count(*)::int as n from pg_stat_activity where datname = $1', [
              name,
            ]);
            if (r.rows[0].n === 0) break;
            await new Promise((res) => setTimeout(res, 50));
          }
          await a.query(`drop database if exists ${name} with (force)`);
          await a.end();
        },
      };
    },
  },
];

/** The PostgreSQL URL for tests that spawn the CLI, or undefined. */
export const TEST_POSTGRES_URL = PG_URL;
