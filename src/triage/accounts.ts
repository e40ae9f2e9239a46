import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { EightballError } from '../domain/index.ts';
import {
  addAudit,
  countUsers,
  deleteUserSessions,
  findTokenUser,
  findUserByName,
  insertToken,
  insertUser,
  type Role,
  revokeToken,
  type Store,
  touchToken,
  type UserRow,
  updateUser,
} from '../store/index.ts';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  opts: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const ROLES = ['reporter', 'triager', 'admin'] as const;
const RANK: Record<Role, number> = { reporter: 0, triager: 1, admin: 2 };

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

/** Roles are ordered: an admin may do what a triager may, a triager what a reporter may. */
export function hasRole(user: { role: string }, needed: Role): boolean {
  return isRole(user.role) && RANK[user.role] >= RANK[needed];
}

// OWASP's scrypt minimum (N=2^17 costs 128 MiB per hash; 2^15 with r=8 keeps a login under ~50 ms)
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT.keylen, {
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
    maxmem: 64 * 1024 * 1024,
  });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{2,64}$/;
export const MIN_PASSWORD_LENGTH = 10;

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > 256) {
    throw new EightballError('usage', `password: must be ${MIN_PASSWORD_LENGTH} to 256 characters`);
  }
}

export async function createUser(
  store: Store,
  u: { username: string; password: string; role: Role; mustChangePassword?: boolean },
  actorId: number | null,
): Promise<number> {
  if (!USERNAME_PATTERN.test(u.username)) {
    throw new EightballError('usage', 'username: 2 to 64 letters, digits or _ . @ -');
  }
  checkPassword(u.password);
  if (await findUserByName(store.db, u.username)) {
    throw new EightballError('usage', `username: "${u.username}" is taken`);
  }
  const now = new Date().toISOString();
  const id = await insertUser(
    store.db,
    {
      username: u.username,
      passwordHash: await hashPassword(u.password),
      role: u.role,
      mustChangePassword: u.mustChangePassword ?? false,
    },
    now,
  );
  await addAudit(
    store.db,
    { userId: actorId, action: 'user.create', detail: `${u.username} as ${u.role}` },
    now,
  );
  return id;
}

/**
 * A new one-time password (the next login must change it), and every session of the user ended.
 * False when there is no such user.
 */
export async function resetPassword(
  store: Store,
  username: string,
  password: string,
  actorId: number | null,
): Promise<boolean> {
  checkPassword(password);
  const u = await findUserByName(store.db, username);
  if (!u) return false;
  await updateUser(store.db, Number(u.id), {
    password_hash: await hashPassword(password),
    must_change_password: 1,
  });
  await deleteUserSessions(store.db, Number(u.id));
  await addAudit(
    store.db,
    { userId: actorId, action: 'user.reset-password', detail: username },
    new Date().toISOString(),
  );
  return true;
}

// a real hash to compare against when the user does not exist, so timing does not tell who exists
let decoy: Promise<string> | null = null;

export async function authenticate(
  store: Store,
  username: string,
  password: string,
): Promise<UserRow | null> {
  const user = await findUserByName(store.db, username);
  if (!user || user.disabled === 1) {
    decoy ??= hashPassword(randomBytes(12).toString('hex'));
    await verifyPassword(password, await decoy);
    return null;
  }
  return (await verifyPassword(password, user.password_hash)) ? user : null;
}

/** A random password a person can type. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

/**
 * On an empty user table, create `admin` with a one-time password: the caller prints it once;
 * the first login must change it. Returns null when users exist.
 */
export async function ensureFirstAdmin(store: Store): Promise<{ username: string; password: string } | null> {
  if ((await countUsers(store.db)) > 0) return null;
  const password = generatePassword();
  try {
    await createUser(store, { username: 'admin', password, role: 'admin', mustChangePassword: true }, null);
  } catch (e) {
    // another server created it first
    if ((await countUsers(store.db)) > 0) return null;
    throw e;
  }
  return { username: 'admin', password };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new API token: returned once, stored only as its hash. */
export async function createApiToken(
  store: Store,
  userId: number,
  name: string,
  actorId: number | null,
): Promise<{ id: number; token: string }> {
  const token = `eb_${randomBytes(24).toString('base64url')}`;
  const now = new Date().toISOString();
  const id = await insertToken(
    store.db,
    { userId, name, tokenHash: hashToken(token), prefix: token.slice(0, 7) },
    now,
  );
  await addAudit(
    store.db,
    { userId: actorId, action: 'token.create', detail: `${name} (${token.slice(0, 7)}…) for user ${userId}` },
    now,
  );
  return { id, token };
}

const lastTouched = new Map<number, number>();

/**
 * Tokens seen in the last few seconds, by hash: a busy API client would otherwise cost two
 * queries per request. A token revoked (or a user disabled) in this process is dropped at once
 * (`forgetTokens`); another server sharing the database notices within TOKEN_CACHE_MS.
 */
export const TOKEN_CACHE_MS = 5000;
const tokenCache = new Map<string, { tokenId: number; user: UserRow; until: number }>();

export function forgetTokens(): void {
  tokenCache.clear();
}

export async function authenticateToken(store: Store, token: string): Promise<UserRow | null> {
  if (!/^eb_[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const hash = hashToken(token);
  const now0 = Date.now();
  const cached = tokenCache.get(hash);
  if (cached && cached.until > now0) return cached.user;
  const found = await findTokenUser(store.db, hash);
  if (!found || found.user.disabled === 1) {
    tokenCache.delete(hash);
    return null;
  }
  if (tokenCache.size > 10_000) tokenCache.clear();
  tokenCache.set(hash, { ...found, until: now0 + TOKEN_CACHE_MS });
  // "last used" to the minute is enough: a write per request would cost more than the request
  const now = Date.now();
  if (now - (lastTouched.get(found.tokenId) ?? 0) > 60_000) {
    lastTouched.set(found.tokenId, now);
    await touchToken(store.db, found.tokenId, new Date(now).toISOString());
  }
  return found.user;
}

/** Revoke a token: refused at once by this process, within TOKEN_CACHE_MS by any other. */
export async function revokeApiToken(store: Store, id: number, actorId: number | null): Promise<boolean> {
  const now = new Date().toISOString();
  const done = await revokeToken(store.db, id, now);
  forgetTokens();
  if (done) await addAudit(store.db, { userId: actorId, action: 'token.revoke', detail: `token ${id}` }, now);
  return done;
}

/** Change a user's role or disable them; their tokens follow at once in this process. */
export async function updateUserAccess(
  store: Store,
  user: { id: number; username: string },
  access: { role: Role; disabled: boolean },
  actorId: number | null,
): Promise<void> {
  await updateUser(store.db, user.id, { role: access.role, disabled: access.disabled ? 1 : 0 });
  forgetTokens();
  await addAudit(
    store.db,
    {
      userId: actorId,
      action: 'user.update',
      detail: `${user.username}: role ${access.role}${access.disabled ? ', disabled' : ''}`,
    },
    new Date().toISOString(),
  );
}
