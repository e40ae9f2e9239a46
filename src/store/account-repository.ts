import type { Kysely } from 'kysely';
import type { Database, Role, UserRow } from './schema.ts';

export interface NewUser {
  username: string;
  passwordHash: string;
  role: Role;
  mustChangePassword: boolean;
}

export async function insertUser(db: Kysely<Database>, u: NewUser, now: string): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({
      username: u.username,
      password_hash: u.passwordHash,
      role: u.role,
      must_change_password: u.mustChangePassword ? 1 : 0,
      disabled: 0,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function findUserByName(db: Kysely<Database>, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findUserById(db: Kysely<Database>, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listUsers(db: Kysely<Database>): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('username').execute();
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const r = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function updateUser(
  db: Kysely<Database>,
  id: number,
  changes: Partial<Pick<UserRow, 'password_hash' | 'role' | 'must_change_password' | 'disabled'>>,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

export interface TokenRow {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  username: string;
}

export async function insertToken(
  db: Kysely<Database>,
  t: { userId: number; name: string; tokenHash: string; prefix: string },
  now: string,
): Promise<number> {
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: t.userId, name: t.name, token_hash: t.tokenHash, prefix: t.prefix, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The live (not revoked) token with this hash, with its user. */
export async function findTokenUser(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<{ tokenId: number; user: UserRow } | undefined> {
  const t = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!t) return undefined;
  const user = await findUserById(db, Number(t.user_id));
  return user ? { tokenId: Number(t.id), user } : undefined;
}

export async function touchToken(db: Kysely<Database>, id: number, now: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function listTokens(db: Kysely<Database>): Promise<TokenRow[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id',
      'api_tokens.user_id',
      'api_tokens.name',
      'api_tokens.prefix',
      'api_tokens.created_at',
      'api_tokens.last_used_at',
      'api_tokens.revoked_at',
      'users.username',
    ])
    .orderBy('api_tokens.id', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), user_id: Number(r.user_id) }));
}

export async function revokeToken(db: Kysely<Database>, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function addAudit(
  db: Kysely<Database>,
  entry: { userId: number | null; action: string; detail: string },
  now: string,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ user_id: entry.userId, action: entry.action, detail: entry.detail, created_at: now })
    .execute();
}

export async function listAudit(
  db: Kysely<Database>,
  limit = 100,
): Promise<{ id: number; username: string | null; action: string; detail: string; created_at: string }[]> {
  const rows = await db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.user_id')
    .select([
      'audit_log.id',
      'users.username',
      'audit_log.action',
      'audit_log.detail',
      'audit_log.created_at',
    ])
    .orderBy('audit_log.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function getSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const r = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value;
}

export async function setSetting(db: Kysely<Database>, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** Insert only if absent, and return what is stored: two servers starting at once agree on one value. */
export async function ensureSetting(db: Kysely<Database>, key: string, value: string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await getSetting(db, key))!;
}

export interface SessionRecord {
  data: string;
  expiresAt: string;
  userId: number | null;
}

export async function getSession(
  db: Kysely<Database>,
  sid: string,
  now: string,
): Promise<string | undefined> {
  const r = await db
    .selectFrom('sessions')
    .select('data')
    .where('sid', '=', sid)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return r?.data;
}

export async function putSession(db: Kysely<Database>, sid: string, s: SessionRecord): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ sid, data: s.data, expires_at: s.expiresAt, user_id: s.userId })
    .onConflict((oc) =>
      oc.column('sid').doUpdateSet({ data: s.data, expires_at: s.expiresAt, user_id: s.userId }),
    )
    .execute();
}

/** End a user's sessions (a password change or reset), but the one given. */
export async function deleteUserSessions(db: Kysely<Database>, userId: number, exceptSid?: string) {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptSid !== undefined) q = q.where('sid', '!=', exceptSid);
  await q.execute();
}

export async function deleteSession(db: Kysely<Database>, sid: string): Promise<void> {
  await db.deleteFrom('sessions').where('sid', '=', sid).execute();
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

export interface DataSourceRow {
  id: number;
  name: string;
  kind: string;
  location: string;
  query: string;
  schedule: string | null;
  created_at: string;
  last_scheduled: string | null;
}

export async function listDataSources(db: Kysely<Database>): Promise<DataSourceRow[]> {
  const rows = await db.selectFrom('data_sources').selectAll().orderBy('name').execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function insertDataSource(
  db: Kysely<Database>,
  s: Omit<DataSourceRow, 'id' | 'created_at' | 'last_scheduled'>,
  now: string,
): Promise<number> {
  const r = await db
    .insertInto('data_sources')
    .values({ ...s, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function deleteDataSource(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await db.deleteFrom('data_sources').where('id', '=', id).executeTakeFirst();
  await db.deleteFrom('settings').where('key', '=', sourceSecretKey(id)).execute();
  return Number(r.numDeletedRows) > 0;
}

/** Where a data source's webhook secret is kept: in settings, never in the row the pages show. */
export function sourceSecretKey(id: number): string {
  return `source-secret:${id}`;
}

/** The webhook secrets of a tracker kind's data sources (those that have one). */
export async function sourceSecrets(db: Kysely<Database>, kind: string): Promise<string[]> {
  const ids = (await db.selectFrom('data_sources').select('id').where('kind', '=', kind).execute()).map((r) =>
    Number(r.id),
  );
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('settings')
    .select('value')
    .where('key', 'in', ids.map(sourceSecretKey))
    .execute();
  return rows.map((r) => r.value).filter((v) => v.length >= 8);
}

export async function getDataSource(db: Kysely<Database>, id: number): Promise<DataSourceRow | undefined> {
  const r = await db.selectFrom('data_sources').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { ...r, id: Number(r.id) } : undefined;
}

/**
 * Record that a source's schedule fired for `tick`; true for exactly one caller per tick, however
 * many schedulers (servers, workers) look at once.
 */
export async function markScheduled(db: Kysely<Database>, id: number, tick: string): Promise<boolean> {
  const r = await db
    .updateTable('data_sources')
    .set({ last_scheduled: tick })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_scheduled', 'is', null), eb('last_scheduled', '<', tick)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The ids of the data sources that have a webhook secret of their own. */
export async function sourcesWithSecret(db: Kysely<Database>): Promise<Set<number>> {
  const rows = await db
    .selectFrom('settings')
    .select('key')
    .where('key', 'like', 'source-secret:%')
    .execute();
  return new Set(rows.map((r) => Number(r.key.slice('source-secret:'.length))));
}
