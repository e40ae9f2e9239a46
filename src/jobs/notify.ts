import { EightballError } from '../domain/index.ts';
import type { Mailer } from '../notify/mailer.ts';
import {
  claimNotification,
  getReportById,
  markNotification,
  predictionsFor,
  type Store,
  subscribersOf,
} from '../store/index.ts';
import type { Predictor, ReportInput } from '../triage/index.ts';
import { findTask, submitReport } from '../triage/index.ts';
import type { JobQueue } from './queue.ts';

/** File a report and queue the e-mail to whoever watches where it landed. */
export async function fileReport(
  store: Store,
  predictor: Predictor,
  queue: JobQueue | undefined,
  input: ReportInput,
): Promise<Awaited<ReturnType<typeof submitReport>>> {
  const filed = await submitReport(store, predictor, input);
  await queue?.enqueue(
    'notify',
    { reportId: filed.id },
    { dedupKey: `notify:${filed.id}`, attempts: 5, backoffMs: 5000 },
  );
  return filed;
}

/**
 * Where a report landed, for its watchers: the labels predicted at or above the threshold, and the
 * product::component the reporter gave, if any.
 */
async function placesOf(store: Store, reportId: number): Promise<{ task: string; label: string }[]> {
  const found = await getReportById(store.db, reportId);
  if (!found) throw new EightballError('not-found', `report ${reportId} not found`);
  const places = new Map<string, { task: string; label: string }>();
  for (const p of await predictionsFor(store.db, reportId)) {
    if (p.abstained || !p.label) continue;
    // a multi-label answer lands in each of its labels (which never hold a comma: see labelSetFromSource)
    const multi = (await findTask(store, p.task))?.kind === 'multilabel';
    const labels = multi ? p.label.split(', ').filter((l) => l !== '(none)') : [p.label];
    for (const label of labels) places.set(`${p.task}\u0000${label}`, { task: p.task, label });
  }
  const r = found.report;
  if (r.product && r.component) {
    const label = `${r.product}::${r.component}`;
    places.set(`component\u0000${label}`, { task: 'component', label });
  }
  return [...places.values()];
}

export interface NotifyResult {
  sent: number;
  skipped: number;
}

/**
 * One e-mail per watcher per report, ever: each is claimed in the database before it is sent and
 * marked sent after; a failed send throws so the job is retried with backoff, and only the
 * unsent ones go out again.
 */
export async function notifyWatchers(
  store: Store,
  mailer: Mailer | undefined,
  reportId: number,
  baseUrl: string,
  staleMs = 120_000,
): Promise<NotifyResult> {
  const places = await placesOf(store, reportId);
  const found = (await getReportById(store.db, reportId))!;
  let sent = 0;
  let skipped = 0;
  const seen = new Set<number>();
  let failure: Error | null = null;
  for (const place of places) {
    for (const sub of await subscribersOf(store.db, place.task, place.label)) {
      // watching two places a report landed in is still one e-mail
      if (seen.has(sub.userId)) continue;
      seen.add(sub.userId);
      if (!(await claimNotification(store.db, sub.id, reportId, new Date(), staleMs))) {
        skipped++;
        continue;
      }
      if (!mailer) {
        await markNotification(store.db, sub.id, reportId, 'failed', new Date().toISOString());
        throw new EightballError(
          'config',
          'no SMTP server: set EIGHTBALL_SMTP_URL to send e-mail to watchers',
        );
      }
      try {
        await mailer.send({
          to: sub.email,
          subject: `[eightball] ${place.label}: ${found.report.summary.slice(0, 120)}`,
          text: `A new report landed in ${place.label} (${place.task}), which you watch.\n\n${found.report.summary}\n\n${found.report.description.slice(0, 2000)}\n\n${baseUrl}/reports/${reportId}\n`,
        });
        await markNotification(store.db, sub.id, reportId, 'sent', new Date().toISOString());
        sent++;
      } catch (e) {
        await markNotification(store.db, sub.id, reportId, 'failed', new Date().toISOString());
        failure = e as Error;
      }
    }
  }
  if (failure) throw new Error(`sending e-mail failed (will retry the unsent): ${failure.message}`);
  return { sent, skipped };
}
