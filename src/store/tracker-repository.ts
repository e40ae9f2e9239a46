import type { Kysely, Selectable } from 'kysely';
import type {
  Database,
  ReportFieldChangesTable,
  TrackerActionState,
  TrackerActionsTable,
  WritebackMode,
  WritebackRulesTable,
} from './schema.ts';

type Db = Kysely<Database>;

/** Record a webhook delivery; false when it was seen before (a replay: nothing more to do). */
export async function recordDelivery(
  db: Db,
  d: { tracker: string; deliveryId: string; event: string; at: string },
): Promise<boolean> {
  const r = await db
    .insertInto('webhook_deliveries')
    .values({
      tracker: d.tracker,
      delivery_id: d.deliveryId,
      event: d.event,
      report_id: null,
      received_at: d.at,
    })
    .onConflict((oc) => oc.columns(['tracker', 'delivery_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function setDeliveryReport(db: Db, tracker: string, deliveryId: string, reportId: number) {
  await db
    .updateTable('webhook_deliveries')
    .set({ report_id: reportId })
    .where('tracker', '=', tracker)
    .where('delivery_id', '=', deliveryId)
    .execute();
}

export interface WritebackRule {
  source: string;
  task: string;
  mode: WritebackMode;
  threshold: number;
  labelThresholds: Record<string, number>;
  untriaged: string[];
  needsTriageLabel: string | null;
}

function ruleOf(r: Selectable<WritebackRulesTable>): WritebackRule {
  return {
    source: r.source,
    task: r.task,
    mode: r.mode,
    threshold: Number(r.threshold),
    labelThresholds: JSON.parse(r.label_thresholds) as Record<string, number>,
    untriaged: JSON.parse(r.untriaged) as string[],
    needsTriageLabel: r.needs_triage_label,
  };
}

export async function getWritebackRule(db: Db, source: string, task: string): Promise<WritebackRule | null> {
  const r = await db
    .selectFrom('writeback_rules')
    .selectAll()
    .where('source', '=', source)
    .where('task', '=', task)
    .executeTakeFirst();
  return r ? ruleOf(r) : null;
}

export async function listWritebackRules(db: Db, source?: string): Promise<WritebackRule[]> {
  let q = db.selectFrom('writeback_rules').selectAll();
  if (source !== undefined) q = q.where('source', '=', source);
  return (await q.orderBy('source').orderBy('task').execute()).map(ruleOf);
}

export async function putWritebackRule(db: Db, r: WritebackRule, now: string): Promise<void> {
  const row = {
    mode: r.mode,
    threshold: r.threshold,
    label_thresholds: JSON.stringify(r.labelThresholds),
    untriaged: JSON.stringify(r.untriaged),
    needs_triage_label: r.needsTriageLabel,
    updated_at: now,
  };
  await db
    .insertInto('writeback_rules')
    .values({ source: r.source, task: r.task, ...row })
    .onConflict((oc) => oc.columns(['source', 'task']).doUpdateSet(row))
    .execute();
}

export type TrackerActionRow = Selectable<TrackerActionsTable>;

export interface NewTrackerAction {
  reportId: number;
  source: string;
  task: string;
  kind: string;
  decision: string;
  probability: number;
  before: unknown;
  after: unknown;
  message: string;
  at: string;
}

/**
 * Claim an action before taking it: the unique (report, task, kind, decision) index makes a second
 * claim of the same decision fail, so two workers (or a replayed job) never act twice.
 */
export async function claimAction(db: Db, a: NewTrackerAction): Promise<number | null> {
  const r = await db
    .insertInto('tracker_actions')
    .values({
      report_id: a.reportId,
      source: a.source,
      task: a.task,
      kind: a.kind,
      decision: a.decision,
      probability: a.probability,
      state: 'failed',
      before_value: JSON.stringify(a.before ?? null),
      after_value: JSON.stringify(a.after ?? null),
      external_ref: null,
      message: a.message,
      created_at: a.at,
      undone_at: null,
      undone_by: null,
    })
    .onConflict((oc) => oc.columns(['report_id', 'task', 'kind', 'decision']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r ? Number(r.id) : null;
}

export async function finishAction(
  db: Db,
  id: number,
  f: { state: TrackerActionState; message: string; externalRef?: string | null; before?: unknown },
): Promise<void> {
  await db
    .updateTable('tracker_actions')
    .set({
      state: f.state,
      message: f.message,
      ...(f.externalRef !== undefined ? { external_ref: f.externalRef } : {}),
      ...(f.before !== undefined ? { before_value: JSON.stringify(f.before) } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function markUndone(db: Db, id: number, userId: number | null, at: string, message: string) {
  await db
    .updateTable('tracker_actions')
    .set({ state: 'undone', undone_at: at, undone_by: userId, message })
    .where('id', '=', id)
    .execute();
}

export async function getAction(db: Db, id: number): Promise<TrackerActionRow | null> {
  return (await db.selectFrom('tracker_actions').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function actionsForReport(db: Db, reportId: number): Promise<TrackerActionRow[]> {
  return db
    .selectFrom('tracker_actions')
    .selectAll()
    .where('report_id', '=', reportId)
    .orderBy('id')
    .execute();
}

export async function listActions(db: Db, limit = 100): Promise<TrackerActionRow[]> {
  return db.selectFrom('tracker_actions').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export async function addFieldChanges(db: Db, changes: Selectable<ReportFieldChangesTable>[]): Promise<void> {
  if (changes.length > 0) await db.insertInto('report_field_changes').values(changes).execute();
}

export async function fieldChanges(db: Db, reportId: number): Promise<Selectable<ReportFieldChangesTable>[]> {
  return db
    .selectFrom('report_field_changes')
    .selectAll()
    .where('report_id', '=', reportId)
    .orderBy('at')
    .execute();
}

/** Forget a delivery whose handling failed, so the tracker's retry is not taken for a replay. */
export async function forgetDelivery(db: Db, tracker: string, deliveryId: string): Promise<void> {
  await db
    .deleteFrom('webhook_deliveries')
    .where('tracker', '=', tracker)
    .where('delivery_id', '=', deliveryId)
    .execute();
}

/** Give up a claimed action whose write failed: a retry may claim it again. */
export async function releaseAction(db: Db, id: number): Promise<void> {
  await db.deleteFrom('tracker_actions').where('id', '=', id).execute();
}

/** The one comment of a report and task now says `body`. */
export async function recordCommentEdit(db: Db, id: number, body: string, probability: number, at: string) {
  await db
    .updateTable('tracker_actions')
    .set({ after_value: JSON.stringify(body), probability, message: 'comment edited', created_at: at })
    .where('id', '=', id)
    .execute();
}
