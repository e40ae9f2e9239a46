import { EightballError } from '../domain/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { jiraSourceName } from '../sources/jira-rest.ts';
import {
  addFieldChanges,
  forgetDelivery,
  getReport,
  listDataSources,
  recordDelivery,
  reportIdOf,
  type Store,
  setDeliveryReport,
  upsertReports,
} from '../store/index.ts';
import type { HookEvent, Ignored } from './hook-payloads.ts';

export interface IntakeResult {
  status: 'queued' | 'duplicate' | 'ignored';
  reportId?: number;
  source?: string;
  reason?: string;
}

/**
 * Which stored source a delivery's report belongs to: the data source configured for that
 * repository / Jira project / Bugzilla (its reports are stored under its name), else the name an
 * `import` of it would have used. A Bugzilla payload does not say which Bugzilla sent it: the
 * hook URL's `?source=NAME`, else the only Bugzilla source there is.
 */
export async function resolveHookSource(
  store: Store,
  ev: HookEvent,
  hint: string | undefined,
): Promise<{ source: string; baseUrl: string | null }> {
  const sources = await listDataSources(store.db);
  const strip = (u: string) => u.trim().replace(/\/+$/, '');
  if (ev.tracker === 'github') {
    const s = sources.find(
      (x) => x.kind === 'github' && x.location.trim().toLowerCase() === ev.scope.toLowerCase(),
    );
    return { source: s ? `github:${s.name}` : `github:${ev.scope.toLowerCase()}`, baseUrl: null };
  }
  if (ev.tracker === 'jira') {
    const [site, project] = ev.scope.split(' ') as [string, string];
    const s = sources.find(
      (x) =>
        x.kind === 'jira' &&
        strip(x.location) === strip(site) &&
        (new URLSearchParams(x.query).get('project') ?? '').toUpperCase() === project.toUpperCase(),
    );
    return { source: s ? `jira:${s.name}` : jiraSourceName(site, project), baseUrl: site };
  }
  const bugzillas = sources.filter((x) => x.kind === 'bugzilla');
  const named = hint ? bugzillas.find((x) => x.name === hint) : undefined;
  if (hint && !named)
    throw EightballError.about('source', 'not-found', `source: no Bugzilla data source is named "${hint}"`);
  const s = named ?? (bugzillas.length === 1 ? bugzillas[0] : undefined);
  if (!s)
    throw EightballError.about(
      'source',
      'usage',
      bugzillas.length === 0
        ? 'source: add the Bugzilla as a data source on the admin page first (its reports are stored under its name)'
        : `source: ${bugzillas.length} Bugzilla sources are configured: say which in the hook URL, /hooks/bugzilla?source=NAME`,
    );
  return { source: `bugzilla:${s.name}`, baseUrl: strip(s.location) };
}

/**
 * Take one verified delivery: store or update its report (a known report keeps what it was as
 * filed and its description when the payload has none), remember the field changes people made,
 * and queue its triage. A delivery seen before changes nothing. Quick by design: the
 * classification and any write-back run as the `triage-report` job.
 */
export async function takeDelivery(
  store: Store,
  queue: JobQueue,
  d: { deliveryId: string; parsed: HookEvent | Ignored; eventName: string; sourceHint?: string | undefined },
): Promise<IntakeResult> {
  if ('ignored' in d.parsed) return { status: 'ignored', reason: d.parsed.ignored };
  const ev = d.parsed;
  const { source, baseUrl } = await resolveHookSource(store, ev, d.sourceHint);
  const at = new Date().toISOString();
  const report = { ...ev.report, source };
  const fresh = await recordDelivery(store.db, {
    tracker: ev.tracker,
    deliveryId: d.deliveryId,
    event: `${d.eventName}:${ev.action}`,
    at,
  });
  if (!fresh) return { status: 'duplicate', source };
  let reportId: number;
  try {
    const stored = await getReport(store.db, source, report.externalId);
    if (stored) {
      report.filed = stored.filed;
      report.filedKnown = stored.filedKnown;
      if (report.description.trim() === '') report.description = stored.description;
      report.url = report.url ?? stored.url;
      report.createdAt = report.createdAt ?? stored.createdAt;
    } else {
      // a report first seen as it is filed is its own as-filed snapshot
      report.filedKnown = ev.created;
    }
    if (!report.url && baseUrl && ev.tracker === 'bugzilla')
      report.url = `${baseUrl}/show_bug.cgi?id=${report.externalId}`;
    await upsertReports(store.db, [report]);
    reportId = (await reportIdOf(store.db, source, report.externalId))!;
    await addFieldChanges(
      store.db,
      ev.changes.map((c) => ({ report_id: reportId, ...c })),
    );
    await setDeliveryReport(store.db, ev.tracker, d.deliveryId, reportId);
    await queue.enqueue(
      'triage-report',
      { reportId, created: ev.created, via: `${ev.tracker}:${d.deliveryId}` },
      { dedupKey: `triage:${ev.tracker}:${d.deliveryId}`, attempts: 5, backoffMs: 5000 },
    );
  } catch (e) {
    // the tracker retries a failed delivery: it must not then be taken for a replay
    await forgetDelivery(store.db, ev.tracker, d.deliveryId).catch(() => undefined);
    throw e;
  }
  return { status: 'queued', reportId, source };
}
