import { EightballError } from '../domain/index.ts';
import {
  actionsForReport,
  addAudit,
  claimAction,
  fieldChanges,
  finishAction,
  getAction,
  getReportById,
  listWritebackRules,
  markUndone,
  recordCommentEdit,
  releaseAction,
  reportRaw,
  type Store,
  type TrackerActionRow,
} from '../store/index.ts';
import type { TaskAnswer } from '../triage/index.ts';
import { commentText } from './comment-text.ts';
import type { FieldChange } from './hook-payloads.ts';
import { type TrackerWriter, type WriterOptions, writerFor } from './tracker-writer.ts';
import { answersAsFor, decide, type Plan } from './writeback-decision.ts';

export interface WritebackOutcome {
  task: string;
  mode: string;
  /** what was done: set-component, add-labels, needs-triage, comment, comment-edited; or nothing */
  did: string[];
  reasons: string[];
}

/** Changes people made: webhook-recorded ones and a Bugzilla import's history, without eightball's own. */
export function humanChangesOf(
  raw: unknown,
  recorded: FieldChange[],
  ours: TrackerActionRow[],
): FieldChange[] {
  const fromHistory: FieldChange[] = [];
  const history = (raw as { history?: unknown } | null)?.history;
  for (const h of Array.isArray(history) ? history : []) {
    const e = h as {
      who?: unknown;
      when?: unknown;
      changes?: { field_name?: unknown; removed?: unknown; added?: unknown }[];
    };
    for (const c of e.changes ?? []) {
      const f = String(c.field_name ?? '');
      if (f === 'component' || f === 'product' || f === 'keywords')
        fromHistory.push({
          field: f === 'keywords' ? 'labels' : f,
          removed: String(c.removed ?? ''),
          added: String(c.added ?? ''),
          who: String(e.who ?? ''),
          at: String(e.when ?? ''),
        });
    }
  }
  const set = new Set<string>();
  for (const a of ours) {
    const after = JSON.parse(a.after_value) as {
      component?: string;
      product?: string;
      labels?: string[];
    } | null;
    if (after?.component) set.add(`component\u0000${after.component}`);
    if (after?.product) set.add(`product\u0000${after.product}`);
    for (const l of after?.labels ?? []) set.add(`labels\u0000${l}`);
  }
  return [...fromHistory, ...recorded].filter(
    (c) => !(c.added !== '' && set.has(`${c.field}\u0000${c.added}`)),
  );
}

async function comment(
  store: Store,
  writer: TrackerWriter,
  ctx: {
    reportId: number;
    source: string;
    task: string;
    trackerId: string;
    body: string;
    probability: number;
  },
  existing: TrackerActionRow | undefined,
): Promise<string | null> {
  const at = new Date().toISOString();
  if (existing?.external_ref) {
    if (JSON.parse(existing.after_value) === ctx.body) return null;
    await writer.editComment(ctx.trackerId, existing.external_ref, ctx.body);
    await recordCommentEdit(store.db, existing.id, ctx.body, ctx.probability, at);
    return 'comment-edited';
  }
  const id = await claimAction(store.db, {
    reportId: ctx.reportId,
    source: ctx.source,
    task: ctx.task,
    kind: 'comment',
    decision: '',
    probability: ctx.probability,
    before: null,
    after: ctx.body,
    message: 'commenting',
    at,
  });
  if (id === null) return null;
  try {
    const ref = await writer.comment(ctx.trackerId, ctx.body);
    await finishAction(store.db, id, { state: 'done', message: 'commented', externalRef: ref });
  } catch (e) {
    await releaseAction(store.db, id);
    throw e;
  }
  return 'comment';
}

/**
 * Write a report's answers back to its tracker, per the source's rules (`off`, `suggest`,
 * `apply`): read the report there first, decide by the guard rails, claim the decision (so it is
 * taken once), act, and record it in the audit log. A failed write is forgotten (the job's retry
 * may take it again) and thrown.
 */
export async function writeBack(
  store: Store,
  reportId: number,
  answers: Record<string, TaskAnswer>,
  o: WriterOptions & { link?: (reportId: number) => string },
): Promise<WritebackOutcome[]> {
  const stored = await getReportById(store.db, reportId);
  if (!stored) throw new EightballError('not-found', `report ${reportId} not found`);
  const { report } = stored;
  const rules = (await listWritebackRules(store.db, report.source)).filter((r) => r.mode !== 'off');
  if (rules.length === 0) return [];
  const writer = await writerFor(store, report.source, report.url, o);
  const state = await writer.read(report.externalId);
  const raw = await reportRaw(store.db, reportId);
  const recorded = await fieldChanges(store.db, reportId);
  const out: WritebackOutcome[] = [];
  for (const rule of rules) {
    const answer = answers[rule.task];
    if (!answer) {
      out.push({ task: rule.task, mode: rule.mode, did: [], reasons: [`no active model for ${rule.task}`] });
      continue;
    }
    const actions = (await actionsForReport(store.db, reportId)).filter((a) => a.task === rule.task);
    const answersAs = answersAsFor(
      writer.answersAs,
      rule.task,
      answer.ranking.map((r) => r.label),
    );
    const plan: Plan = decide({
      rule,
      ranking: answer.ranking,
      answersAs,
      taskLabels: answer.ranking.map((r) => r.label),
      state,
      humanChanges: humanChangesOf(raw, recorded, actions),
      done: new Set(actions.filter((a) => a.kind !== 'comment').map((a) => `${a.kind}:${a.decision}`)),
    });
    const did: string[] = [];
    const at = new Date().toISOString();
    if (plan.act) {
      const act = plan.act;
      const after =
        act.kind === 'set-component'
          ? { product: act.product ?? state.product, component: act.component }
          : { labels: act.labels };
      const id = await claimAction(store.db, {
        reportId,
        source: report.source,
        task: rule.task,
        kind: act.kind,
        decision: act.decision,
        probability: act.probability,
        before: state,
        after,
        message: 'acting',
        at,
      });
      if (id !== null) {
        try {
          if (act.kind === 'set-component')
            await writer.setComponent(report.externalId, act.product, act.component);
          else await writer.addLabels(report.externalId, act.labels);
        } catch (e) {
          await releaseAction(store.db, id);
          throw e;
        }
        const what =
          act.kind === 'set-component' ? `moved to ${act.decision}` : `labelled ${act.labels.join(', ')}`;
        await finishAction(store.db, id, {
          state: 'done',
          message: `${what} (${Math.round(act.probability * 100)}%)`,
        });
        await addAudit(
          store.db,
          {
            userId: null,
            action: `tracker.${act.kind}`,
            detail: `${report.source} ${report.externalId}: ${what}, ${rule.task} at ${Math.round(act.probability * 100)}% (action ${id})`,
          },
          at,
        );
        did.push(act.kind);
      }
    }
    if (plan.comment) {
      const existing = actions.find((a) => a.kind === 'comment');
      const body = commentText({
        task: rule.task,
        act: plan.act,
        ranking: answer.ranking,
        reasons: plan.reasons,
        answersAs,
        link: o.link ? o.link(reportId) : null,
      });
      const c = await comment(
        store,
        writer,
        {
          reportId,
          source: report.source,
          task: rule.task,
          trackerId: report.externalId,
          body,
          probability: answer.probability,
        },
        existing,
      );
      if (c) did.push(c);
    }
    out.push({ task: rule.task, mode: rule.mode, did, reasons: plan.reasons });
  }
  return out;
}

/**
 * Undo one action: only if the tracker still shows exactly what eightball set (a person's later
 * change is never overwritten); the values before are put back and the action marked undone.
 */
export async function undoAction(
  store: Store,
  actionId: number,
  userId: number | null,
  o: WriterOptions,
): Promise<string> {
  const a = await getAction(store.db, actionId);
  if (!a) throw new EightballError('not-found', `action ${actionId} not found`);
  if (a.state !== 'done')
    throw new EightballError('conflict', `action ${actionId} is ${a.state}, not done: nothing to undo`);
  if (a.kind === 'comment')
    throw new EightballError('conflict', 'a comment is not undone here: delete it in the tracker');
  const stored = await getReportById(store.db, a.report_id);
  if (!stored) throw new EightballError('not-found', `report ${a.report_id} not found`);
  const writer = await writerFor(store, a.source, stored.report.url, o);
  const now = await writer.read(stored.report.externalId);
  const before = JSON.parse(a.before_value) as {
    product: string | null;
    component: string | null;
    labels: string[];
  };
  const after = JSON.parse(a.after_value) as {
    product?: string | null;
    component?: string;
    labels?: string[];
  };
  let message: string;
  if (a.kind === 'set-component') {
    if (now.component !== after.component || (after.product && now.product !== after.product))
      throw new EightballError(
        'conflict',
        `not undone: the report is now in ${now.product ?? ''}::${now.component ?? ''}, not where eightball put it: someone changed it since`,
      );
    if (before.component === null)
      throw new EightballError('conflict', 'not undone: there was no component before');
    await writer.setComponent(stored.report.externalId, before.product, before.component);
    message = `moved back to ${before.product ?? ''}::${before.component}`;
  } else {
    const still = (after.labels ?? []).filter((l) => now.labels.includes(l) && !before.labels.includes(l));
    if (still.length === 0)
      throw new EightballError('conflict', 'not undone: the labels eightball added are gone already');
    await writer.removeLabels(stored.report.externalId, still);
    message = `removed ${still.join(', ')}`;
  }
  const at = new Date().toISOString();
  await markUndone(store.db, actionId, userId, at, message);
  await addAudit(
    store.db,
    {
      userId,
      action: 'tracker.undo',
      detail: `action ${actionId} on ${a.source} ${stored.report.externalId}: ${message}`,
    },
    at,
  );
  return message;
}
