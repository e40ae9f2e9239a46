import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

export interface StoredCommitFile {
  status: string;
  path: string;
  oldPath?: string;
  added: number | null;
  removed: number | null;
}

export interface StoredCommit {
  repo: string;
  sha: string;
  committedAt: string;
  author: string;
  subject: string;
  files: StoredCommitFile[];
}

const CHUNK = 200;

/** Store commits; one already stored (a re-run) is left as it is. Returns how many were new. */
export async function insertCommits(db: Db, commits: readonly StoredCommit[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < commits.length; i += CHUNK) {
    const r = await db
      .insertInto('git_commits')
      .values(
        commits.slice(i, i + CHUNK).map((c) => ({
          repo: c.repo,
          sha: c.sha,
          committed_at: c.committedAt,
          author: c.author,
          subject: c.subject,
          files: JSON.stringify(c.files),
        })),
      )
      .onConflict((oc) => oc.columns(['repo', 'sha']).doNothing())
      .executeTakeFirst();
    added += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** Link reports to the commits that fixed them; a link already stored is kept once. */
export async function linkCommits(
  db: Db,
  links: readonly { reportId: number; repo: string; sha: string }[],
): Promise<number> {
  let added = 0;
  for (let i = 0; i < links.length; i += CHUNK) {
    const r = await db
      .insertInto('report_commits')
      .values(links.slice(i, i + CHUNK).map((l) => ({ report_id: l.reportId, repo: l.repo, sha: l.sha })))
      .onConflict((oc) => oc.columns(['report_id', 'repo', 'sha']).doNothing())
      .executeTakeFirst();
    added += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** Stored reports by external id (of one source, or any): what commit messages name. */
export async function reportIdsByExternalId(
  db: Db,
  externalIds: readonly string[],
  source?: string,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const unique = [...new Set(externalIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    let q = db
      .selectFrom('bug_reports')
      .select(['id', 'external_id'])
      .where('external_id', 'in', unique.slice(i, i + CHUNK));
    if (source) q = q.where('source', '=', source);
    for (const r of await q.execute()) {
      const list = out.get(r.external_id) ?? [];
      list.push(r.id);
      out.set(r.external_id, list);
    }
  }
  return out;
}

/** The commits linked to a report, oldest first. */
export async function commitsOfReport(db: Db, reportId: number): Promise<StoredCommit[]> {
  const rows = await db
    .selectFrom('report_commits')
    .innerJoin('git_commits', (j) =>
      j
        .onRef('git_commits.repo', '=', 'report_commits.repo')
        .onRef('git_commits.sha', '=', 'report_commits.sha'),
    )
    .select(['git_commits.repo', 'git_commits.sha', 'committed_at', 'author', 'subject', 'files'])
    .where('report_commits.report_id', '=', reportId)
    .orderBy('committed_at')
    .execute();
  return rows.map((r) => ({
    repo: r.repo,
    sha: r.sha,
    committedAt: r.committed_at,
    author: r.author,
    subject: r.subject,
    files: JSON.parse(r.files) as StoredCommitFile[],
  }));
}

export async function countCommits(db: Db, repo: string): Promise<{ commits: number; links: number }> {
  const c = await db
    .selectFrom('git_commits')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('repo', '=', repo)
    .executeTakeFirst();
  const l = await db
    .selectFrom('report_commits')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('repo', '=', repo)
    .executeTakeFirst();
  return { commits: Number(c?.n ?? 0), links: Number(l?.n ?? 0) };
}

/** Every report linked to a commit of `repo`, with that commit's time and files (one row per link). */
export async function fixesOf(
  db: Db,
  repo: string,
): Promise<{ reportId: number; sha: string; committedAt: string; files: StoredCommitFile[] }[]> {
  const rows = await db
    .selectFrom('report_commits')
    .innerJoin('git_commits', (j) =>
      j
        .onRef('git_commits.repo', '=', 'report_commits.repo')
        .onRef('git_commits.sha', '=', 'report_commits.sha'),
    )
    .select(['report_commits.report_id', 'git_commits.sha', 'committed_at', 'files'])
    .where('report_commits.repo', '=', repo)
    .orderBy('committed_at')
    .execute();
  return rows.map((r) => ({
    reportId: r.report_id,
    sha: r.sha,
    committedAt: r.committed_at,
    files: JSON.parse(r.files) as StoredCommitFile[],
  }));
}
