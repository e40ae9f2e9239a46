import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import pg from 'pg';
import { EightballError } from '../domain/index.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** the URL with any password hidden, for messages */
  displayUrl: string;
  /** the SQLite connection under `db`, for the store's own fast paths; undefined on PostgreSQL */
  sqlite?: SQLite.Database;
  close(): Promise<void>;
}

/** Hide a password before a URL is printed or logged. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

let lastPoolError = 0;

/**
 * Write transactions that take the write lock when they begin (BEGIN IMMEDIATE). A deferred one
 * reads first and asks for the lock at its first write; when another process (an import) wrote
 * in between, SQLite must refuse it at once ("database is locked"): busy_timeout cannot help a
 * transaction whose snapshot is stale. Taken at BEGIN, the lock is waited for instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}

// PostgreSQL BIGINT and NUMERIC come back as strings from pg; counts are small enough for numbers
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * Open the database a URL names (`sqlite:PATH`, `sqlite::memory:`, `postgres://...`) and bring
 * its schema to the latest version.
 */
export async function openStore(url: string, opts: { migrate?: boolean } = {}): Promise<Store> {
  const displayUrl = redactUrl(url);
  let db: Kysely<Database>;
  let dialect: DialectName;
  let raw: SQLite.Database | undefined;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '')
      throw new EightballError(
        'config',
        `database URL "${url}": no file; use sqlite:PATH or sqlite::memory:`,
      );
    let sqlite: SQLite.Database;
    try {
      sqlite = new SQLite(path);
    } catch (e) {
      throw new EightballError('database', `cannot open ${displayUrl}: ${(e as Error).message}`, e);
    }
    // WAL lets readers (the web app) work while an import writes; NORMAL is durable across crashes in WAL
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    // 64 MiB of page cache: imports touch the unique index on every row
    sqlite.pragma('cache_size = -65536');
    db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
    raw = sqlite;
    dialect = 'sqlite';
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // an idle connection the server ends (a restart, pg_terminate_backend) is an 'error' on the
    // pool: without a listener Node ends the process. The pool drops that client and the next
    // query opens a new one; meanwhile queries fail and /healthz answers 503.
    const lost = (e: Error) => {
      const now = Date.now();
      if (now - lastPoolError > 10_000)
        process.stderr.write(`eightball: lost a connection to ${displayUrl}: ${e.message}; reconnecting\n`);
      lastPoolError = now;
    };
    pool.on('error', lost);
    // a client in use between two statements of a transaction (the pool's listener is only on
    // idle ones) gets the same 'error' event: its transaction fails, the process must not
    pool.on('connect', (client) => client.on('error', lost));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    dialect = 'postgres';
    try {
      const client = await pool.connect();
      client.release();
    } catch (e) {
      await db.destroy();
      throw new EightballError('database', `cannot connect to ${displayUrl}: ${(e as Error).message}`, e);
    }
  } else {
    throw new EightballError(
      'config',
      `database URL "${displayUrl}" is not sqlite:PATH, sqlite::memory: or postgres://USER@HOST:PORT/DB`,
    );
  }
  const store: Store = { db, dialect, displayUrl, sqlite: raw, close: () => db.destroy() };
  if (opts.migrate !== false) {
    try {
      await migrateToLatest(store);
    } catch (e) {
      await db.destroy();
      throw e;
    }
  }
  return store;
}
