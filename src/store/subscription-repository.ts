import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface SubscriptionRow {
  id: number;
  userId: number;
  email: string;
  task: string;
  label: string;
}

export async function addSubscription(
  db: Kysely<Database>,
  s: Omit<SubscriptionRow, 'id'>,
  now: string,
): Promise<void> {
  await db
    .insertInto('subscriptions')
    .values({ user_id: s.userId, email: s.email, task: s.task, label: s.label, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'task', 'label']).doUpdateSet({ email: s.email }))
    .execute();
}

export async function removeSubscription(db: Kysely<Database>, id: number, userId: number): Promise<boolean> {
  const r = await db
    .deleteFrom('subscriptions')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function subscriptionsOf(db: Kysely<Database>, userId: number): Promise<SubscriptionRow[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('task')
    .orderBy('label')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    userId: Number(r.user_id),
    email: r.email,
    task: r.task,
    label: r.label,
  }));
}

export async function subscribersOf(
  db: Kysely<Database>,
  task: string,
  label: string,
): Promise<SubscriptionRow[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .selectAll()
    .where('task', '=', task)
    .where('label', '=', label)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    userId: Number(r.user_id),
    email: r.email,
    task: r.task,
    label: r.label,
  }));
}

/**
 * Claim the one notification of a subscription about a report. True when this caller should send
 * it: never sent, and not being sent by someone else right now (a claim older than `staleMs`
 * belongs to a worker that died and is taken over).
 */
export async function claimNotification(
  db: Kysely<Database>,
  subscriptionId: number,
  reportId: number,
  now: Date,
  staleMs: number,
): Promise<boolean> {
  const stamp = now.toISOString();
  const inserted = await db
    .insertInto('notifications')
    .values({ subscription_id: subscriptionId, report_id: reportId, state: 'sending', sent_at: stamp })
    .onConflict((oc) => oc.columns(['subscription_id', 'report_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
  const stale = new Date(now.getTime() - staleMs).toISOString();
  const taken = await db
    .updateTable('notifications')
    .set({ sent_at: stamp })
    .where('subscription_id', '=', subscriptionId)
    .where('report_id', '=', reportId)
    .where('state', 'in', ['sending', 'failed'])
    .where((eb) => eb.or([eb('state', '=', 'failed'), eb('sent_at', '<', stale)]))
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

export async function markNotification(
  db: Kysely<Database>,
  subscriptionId: number,
  reportId: number,
  state: 'sent' | 'failed',
  now: string,
): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ state, sent_at: now })
    .where('subscription_id', '=', subscriptionId)
    .where('report_id', '=', reportId)
    .execute();
}

export async function notificationsSent(db: Kysely<Database>, reportId: number): Promise<number> {
  const r = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('report_id', '=', reportId)
    .where('state', '=', 'sent')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
