import type { Kysely } from 'kysely';
import type { Database, JobRow, JobStateName } from './schema.ts';

export interface NewJob {
  name: string;
  data: unknown;
  priority: number;
  maxAttempts: number;
  backoffMs: number;
  runAt: string;
  dedupKey: string | null;
}

function norm(r: JobRow): JobRow {
  return { ...r, id: Number(r.id) };
}

/** Add a job; with a de-duplication key, a waiting or active job with the same key is returned instead. */
export async function insertJob(
  db: Kysely<Database>,
  j: NewJob,
  now: string,
): Promise<{ id: number; existing: boolean }> {
  if (j.dedupKey) {
    const same = await db
      .selectFrom('jobs')
      .select('id')
      .where('dedup_key', '=', j.dedupKey)
      .where('state', 'in', ['waiting', 'active'])
      .executeTakeFirst();
    if (same) return { id: Number(same.id), existing: true };
  }
  let row: { id: number | string };
  try {
    row = await db
      .insertInto('jobs')
      .values({
        name: j.name,
        data: JSON.stringify(j.data ?? null),
        state: 'waiting',
        priority: j.priority,
        attempts: 0,
        cancel_requested: 0,
        max_attempts: j.maxAttempts,
        backoff_ms: j.backoffMs,
        run_at: j.runAt,
        dedup_key: j.dedupKey,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  } catch (e) {
    // another process inserted the same live key between our look and our insert
    if (j.dedupKey && /unique|duplicate/i.test((e as Error).message)) {
      const same = await db
        .selectFrom('jobs')
        .select('id')
        .where('dedup_key', '=', j.dedupKey)
        .where('state', 'in', ['waiting', 'active'])
        .executeTakeFirst();
      if (same) return { id: Number(same.id), existing: true };
    }
    throw e;
  }
  return { id: Number(row.id), existing: false };
}

/**
 * Take the next due job among `names` for `owner`. Candidates are read, then claimed one by one
 * with a conditional update (state still waiting): of two workers racing for a job exactly one
 * update changes a row, on SQLite and PostgreSQL alike.
 */
export async function claimJob(
  db: Kysely<Database>,
  owner: string,
  names: string[],
  leaseUntil: string,
  now: string,
): Promise<JobRow | null> {
  if (names.length === 0) return null;
  const candidates = await db
    .selectFrom('jobs')
    .select('id')
    .where('state', '=', 'waiting')
    .where('run_at', '<=', now)
    .where('name', 'in', names)
    .orderBy('priority', 'desc')
    .orderBy('id')
    .limit(8)
    .execute();
  for (const c of candidates) {
    const r = await db
      .updateTable('jobs')
      .set((eb) => ({
        state: 'active',
        lease_owner: owner,
        lease_until: leaseUntil,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', Number(c.id))
      .where('state', '=', 'waiting')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', Number(c.id)).executeTakeFirst();
      if (row) return norm(row);
    }
  }
  return null;
}

/** Extend the lease of a job this owner holds; false when it no longer holds it. Reports a cancel request. */
export async function renewLease(
  db: Kysely<Database>,
  id: number,
  owner: string,
  leaseUntil: string,
  now: string,
): Promise<{ held: boolean; cancelRequested: boolean }> {
  const r = await db
    .updateTable('jobs')
    .set({ lease_until: leaseUntil, updated_at: now })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'active')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return { held: false, cancelRequested: false };
  const row = await db.selectFrom('jobs').select('cancel_requested').where('id', '=', id).executeTakeFirst();
  return { held: true, cancelRequested: row?.cancel_requested === 1 };
}

export async function setJobProgress(
  db: Kysely<Database>,
  id: number,
  owner: string,
  progress: unknown,
  now: string,
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ progress: JSON.stringify(progress), updated_at: now })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Finish a job this owner holds: completed with a result, or cancelled. */
export async function finishJob(
  db: Kysely<Database>,
  id: number,
  owner: string,
  outcome: { state: 'completed'; result: unknown } | { state: 'cancelled' },
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({
      state: outcome.state,
      result: outcome.state === 'completed' ? JSON.stringify(outcome.result ?? null) : null,
      lease_owner: null,
      lease_until: null,
      updated_at: now,
      finished_at: now,
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A failed attempt: back to waiting after an exponential backoff, or dead once out of attempts. */
export async function failJob(
  db: Kysely<Database>,
  id: number,
  owner: string,
  error: string,
  now: Date,
): Promise<JobStateName | null> {
  const row = await db
    .selectFrom('jobs')
    .selectAll()
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  if (row?.state !== 'active') return null;
  const dead = row.attempts >= row.max_attempts;
  const runAt = new Date(now.getTime() + row.backoff_ms * 2 ** Math.max(0, row.attempts - 1)).toISOString();
  await db
    .updateTable('jobs')
    .set({
      state: dead ? 'dead' : 'waiting',
      error: error.slice(0, 4000),
      run_at: dead ? row.run_at : runAt,
      lease_owner: null,
      lease_until: null,
      updated_at: now.toISOString(),
      finished_at: dead ? now.toISOString() : null,
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
  return dead ? 'dead' : 'waiting';
}

/** Give a job back without counting the attempt (a worker shutting down before it could finish). */
export async function releaseJob(
  db: Kysely<Database>,
  id: number,
  owner: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'waiting',
      lease_owner: null,
      lease_until: null,
      attempts: eb('attempts', '-', 1),
      run_at: now,
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'active')
    .execute();
}

/** Jobs whose worker stopped renewing its lease (crashed, killed, cut off): taken up again, or dead. */
export async function reapExpiredLeases(db: Kysely<Database>, now: string): Promise<number> {
  const expired = await db
    .selectFrom('jobs')
    .select(['id', 'attempts', 'max_attempts', 'lease_owner'])
    .where('state', '=', 'active')
    .where('lease_until', '<', now)
    .execute();
  let n = 0;
  for (const j of expired) {
    const dead = j.attempts >= j.max_attempts;
    const r = await db
      .updateTable('jobs')
      .set({
        state: dead ? 'dead' : 'waiting',
        error: `worker ${j.lease_owner} stopped renewing its lease`,
        lease_owner: null,
        lease_until: null,
        run_at: now,
        updated_at: now,
        finished_at: dead ? now : null,
      })
      .where('id', '=', Number(j.id))
      .where('state', '=', 'active')
      .where('lease_until', '<', now)
      .executeTakeFirst();
    n += Number(r.numUpdatedRows);
  }
  return n;
}

export async function requestCancel(db: Kysely<Database>, id: number, now: string): Promise<boolean> {
  const waiting = await db
    .updateTable('jobs')
    .set({ state: 'cancelled', updated_at: now, finished_at: now })
    .where('id', '=', id)
    .where('state', '=', 'waiting')
    .executeTakeFirst();
  if (Number(waiting.numUpdatedRows) === 1) return true;
  const active = await db
    .updateTable('jobs')
    .set({ cancel_requested: 1, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return Number(active.numUpdatedRows) === 1;
}

export async function retryJob(db: Kysely<Database>, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({
      state: 'waiting',
      attempts: 0,
      run_at: now,
      error: null,
      cancel_requested: 0,
      updated_at: now,
      finished_at: null,
    })
    .where('id', '=', id)
    .where('state', 'in', ['dead', 'cancelled'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function getJob(db: Kysely<Database>, id: number): Promise<JobRow | undefined> {
  const r = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? norm(r) : undefined;
}

export async function listJobs(
  db: Kysely<Database>,
  opts: { state?: JobStateName; limit: number },
): Promise<JobRow[]> {
  let q = db.selectFrom('jobs').selectAll().orderBy('id', 'desc').limit(opts.limit);
  if (opts.state) q = q.where('state', '=', opts.state);
  return (await q.execute()).map(norm);
}
