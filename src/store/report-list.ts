import type { Kysely, Transaction } from 'kysely';
import type { BugReport } from '../domain/index.ts';
import { rowToReport } from './report-rows.ts';
import { BUG_REPORT_COLUMNS, type BugReportRow, type Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface ReportListFilter {
  /** words that must all appear in the summary or description */
  q?: string | undefined;
  product?: string | undefined;
  component?: string | undefined;
  source?: string | undefined;
  /** only reports nobody has triaged: no component, or a catch-all one (General, Untriaged) */
  untriaged?: boolean | undefined;
  /** the task the prediction filters below are about */
  task?: string | undefined;
  /**
   * `human`: its answer abstained (a person should decide); `unclassified`: no answer stored yet;
   * `uncorrected`: answered, and no triager has accepted or corrected it
   */
  needs?: 'human' | 'unclassified' | 'uncorrected' | undefined;
  /** only reports whose stored answer for `task` is this label */
  predicted?: string | undefined;
  limit: number;
  offset: number;
}

/** Components that mean "nobody has triaged this yet" in the trackers eightball knows. */
export const UNTRIAGED_COMPONENTS = ['general', 'untriaged', 'triage', 'new'];

export interface ReportListItem {
  id: number;
  source: string;
  externalId: string;
  summary: string;
  product: string | null;
  component: string | null;
  type: string | null;
  createdAt: string | null;
  /** the whole report (without its raw record), for each task to read its own label from */
  report: BugReport;
}

/** The reports a list filter keeps, as a query to count, page or take ids from. */
function filteredReports(db: Db, f: Omit<ReportListFilter, 'limit' | 'offset'>) {
  let q = db.selectFrom('bug_reports');
  if (f.product) q = q.where('product', '=', f.product);
  if (f.component) q = q.where('component', '=', f.component);
  if (f.source) q = q.where('source', '=', f.source);
  if (f.untriaged)
    q = q.where((eb) =>
      eb.or([
        eb('component', 'is', null),
        eb(eb.fn<string>('lower', ['component']), 'in', UNTRIAGED_COMPONENTS),
      ]),
    );
  const task = f.task;
  if (task) {
    // the reports with a stored answer for the task (one per report and task)
    const answered = db.selectFrom('predictions').select('report_id').where('task', '=', task);
    if (f.needs === 'human') q = q.where('id', 'in', answered.where('abstained', '=', 1));
    if (f.needs === 'unclassified') q = q.where('id', 'not in', answered);
    if (f.needs === 'uncorrected')
      q = q
        .where('id', 'in', answered)
        .where('id', 'not in', db.selectFrom('corrections').select('report_id').where('task', '=', task));
    if (f.predicted) q = q.where('id', 'in', answered.where('label', '=', f.predicted));
  }
  // case-insensitive on both dialects; % and _ in a word act as wildcards, which is harmless here
  for (const word of (f.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)) {
    const like = `%${word}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn<string>('lower', ['summary']), 'like', like),
        eb(eb.fn<string>('lower', ['description']), 'like', like),
      ]),
    );
  }
  return q;
}

/** The ids of the reports a filter keeps, newest first, at most `cap` (a batch from the list page). */
export async function filteredReportIds(
  db: Db,
  f: Omit<ReportListFilter, 'limit' | 'offset'>,
  cap: number,
): Promise<number[]> {
  const rows = await filteredReports(db, f).select('id').orderBy('id', 'desc').limit(cap).execute();
  return rows.map((r) => Number(r.id));
}

/** Newest first, filtered in the database; `q` is matched with LIKE on bound parameters. */
export async function listReports(
  db: Db,
  f: ReportListFilter,
): Promise<{ total: number; items: ReportListItem[] }> {
  const q = filteredReports(db, f);
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .select(['id', ...BUG_REPORT_COLUMNS.filter((c) => c !== 'raw')] as const)
    .orderBy('id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      id: Number(r.id),
      source: r.source,
      externalId: r.external_id,
      summary: r.summary,
      product: r.product,
      component: r.component,
      type: r.type,
      createdAt: r.created_at,
      report: rowToReport(r as Parameters<typeof rowToReport>[0]),
    })),
  };
}

/** Every source reports are stored under, for a filter's choices. */
export async function storedSources(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('bug_reports').select('source').distinct().orderBy('source').execute();
  return rows.map((r) => r.source);
}

/** A source's newest reports by filing date, whole rows (the dry run reads when each was stored). */
export async function newestOfSource(db: Db, source: string, limit: number): Promise<BugReportRow[]> {
  return db
    .selectFrom('bug_reports')
    .selectAll()
    .where('source', '=', source)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
