import { basename, resolve } from 'node:path';
import { EightballError } from '../domain/index.ts';
import {
  type GitRepo,
  isAncestor,
  isShallow,
  openGitRepo,
  resolveRevision,
} from '../sources/git/git-command.ts';
import { type GitCommit, gitLog } from '../sources/git/git-log.ts';
import {
  getSetting,
  insertCommits,
  linkCommits,
  reportIdsByExternalId,
  type Store,
  type StoredCommit,
  setSetting,
} from '../store/index.ts';
import { rememberRepository } from '../triage/tasks/files.ts';

/**
 * `import git`: a repository's commits, each read once (the newest one read is the checkpoint: the
 * next run reads only what came after it; a re-run changes nothing), linked to stored reports by
 * the ids their messages name.
 */

/** What commit messages name reports by, each pattern's first group the report's id. */
export const DEFAULT_LINK_PATTERNS: readonly string[] = [
  // Bugzilla: "Bug 123", "bug 123:", "Fix for 123", show_bug.cgi?id=123
  String.raw`\b[Bb]ug[\s:#-]*(\d{2,8})\b`,
  String.raw`\b[Ff]ix(?:ed)? for (?:[Bb]ug )?#?(\d{2,8})\b`,
  String.raw`show_bug\.cgi\?id=(\d+)`,
  // Jira keys: HIVE-123
  String.raw`\b([A-Z][A-Z0-9_]+-\d+)\b`,
  // GitHub: #123, fixes #123
  String.raw`(?:^|[\s(,])#(\d+)\b`,
];

export function compileLinkPatterns(patterns: readonly string[]): RegExp[] {
  return patterns.map((p) => {
    if (p.length > 200)
      throw EightballError.about(
        'link',
        'usage',
        `--link: a pattern of at most 200 characters (got ${p.length})`,
      );
    let re: RegExp;
    try {
      re = new RegExp(p, 'g');
    } catch (e) {
      throw EightballError.about(
        'link',
        'usage',
        `--link "${p}": not a regular expression (${(e as Error).message})`,
      );
    }
    // a capture group is where the report's id is
    if (new RegExp(`${p}|`).exec('')!.length < 2)
      throw EightballError.about(
        'link',
        'usage',
        `--link "${p}": needs one group in parentheses around the report's id`,
      );
    return re;
  });
}

/** The report ids a message names, once each. */
export function linkedIds(message: string, patterns: readonly RegExp[]): string[] {
  const ids = new Set<string>();
  for (const re of patterns) for (const m of message.matchAll(re)) if (m[1]) ids.add(m[1]);
  return [...ids];
}

export interface GitImportOptions {
  repo: string;
  /** what the repository is stored as (default: its folder's name) */
  name?: string;
  branch?: string;
  /** extra patterns beside the defaults */
  links?: string[];
  /** commits touching more files than this are skipped (default 100: merges of branches, reformatting) */
  maxFiles?: number;
  /** link only to reports of this source */
  source?: string;
  /** the repository's web view of a file, e.g. https://github.com/OWNER/REPO/blob/{rev}/{path} */
  webUrl?: string;
  onProgress?: (p: { commits: number }) => void;
  onWarning?: (message: string) => void;
}

export interface GitImportSummary {
  repo: string;
  branch: string;
  /** commits read this run (after the checkpoint) */
  read: number;
  stored: number;
  skippedMerges: number;
  skippedLarge: number;
  /** links to stored reports made this run */
  linked: number;
  /** commits naming an id no stored report has */
  unmatched: number;
  reencoded: number;
  /** commits whose files were read without line counts (an object the clone lacks) */
  unreadable: number;
  checkpoint: string | null;
  shallow: boolean;
}

const BATCH = 500;

function repoName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const base = basename(trimmed) === '.git' ? basename(trimmed.slice(0, -5)) : basename(trimmed);
  return base.replace(/\.git$/, '') || 'repo';
}

function stored(repo: string, c: GitCommit): StoredCommit {
  return {
    repo,
    sha: c.sha,
    committedAt: c.time,
    author: c.author,
    subject: (c.message.split('\n')[0] ?? '').slice(0, 500),
    files: c.changes.map((f) => ({
      status: f.status,
      path: f.path,
      ...(f.oldPath ? { oldPath: f.oldPath } : {}),
      added: f.added,
      removed: f.removed,
    })),
  };
}

export async function importGit(store: Store, opts: GitImportOptions): Promise<GitImportSummary> {
  if (opts.webUrl !== undefined && (!/^https?:\/\/\S+$/.test(opts.webUrl) || !opts.webUrl.includes('{path}')))
    throw EightballError.about(
      'webUrl',
      'usage',
      '--web-url: an http(s) URL with {path} in it (and {rev} for the revision)',
    );
  const repo: GitRepo = openGitRepo(opts.repo);
  const name = opts.name ?? repoName(opts.repo);
  const branch = opts.branch ?? 'HEAD';
  const head = resolveRevision(repo, branch);
  const shallow = isShallow(repo);
  if (shallow)
    opts.onWarning?.(`${opts.repo} is a shallow clone: its history is cut, and older fixes are missing`);
  const patterns = compileLinkPatterns([...DEFAULT_LINK_PATTERNS, ...(opts.links ?? [])]);
  const maxFiles = opts.maxFiles ?? 100;
  const key = `git.${name}.checkpoint`;
  const checkpoint = (await getSetting(store.db, key)) ?? null;
  // a checkpoint no longer on the branch (history rewritten): read it all again, nothing doubles
  const range = checkpoint && isAncestor(repo, checkpoint, head) ? `${checkpoint}..${head}` : head;
  const s: GitImportSummary = {
    repo: name,
    branch,
    read: 0,
    stored: 0,
    skippedMerges: 0,
    skippedLarge: 0,
    linked: 0,
    unmatched: 0,
    reencoded: 0,
    unreadable: 0,
    checkpoint,
    shallow,
  };
  let batch: GitCommit[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const named = batch.map((c) => ({ c, ids: linkedIds(c.message, patterns) }));
    const known = await reportIdsByExternalId(
      store.db,
      named.flatMap((n) => n.ids),
      opts.source,
    );
    const links = named.flatMap(({ c, ids }) => {
      const found = ids.flatMap((id) => known.get(id) ?? []);
      if (ids.length > 0 && found.length === 0) s.unmatched++;
      return found.map((reportId) => ({ reportId, repo: name, sha: c.sha }));
    });
    // commits first, then links, then the checkpoint: a crash between them re-reads, never loses
    s.stored += await insertCommits(
      store.db,
      batch.map((c) => stored(name, c)),
    );
    s.linked += await linkCommits(store.db, links);
    await setSetting(store.db, key, batch.at(-1)!.sha);
    s.checkpoint = batch.at(-1)!.sha;
    batch = [];
  };
  for await (const c of gitLog(repo, range, {
    onUnreadable: (sha, why) => {
      s.unreadable++;
      opts.onWarning?.(`commit ${sha.slice(0, 12)}: ${why}; its files are read without line counts`);
    },
  })) {
    s.read++;
    if (c.reencoded) {
      s.reencoded++;
      opts.onWarning?.(`commit ${c.sha.slice(0, 12)}: its message is not UTF-8 and was read as Latin-1`);
    }
    if (c.parents.length > 1) s.skippedMerges++;
    else if (c.changes.length > maxFiles) s.skippedLarge++;
    else batch.push(c);
    if (batch.length >= BATCH) await flush();
    if (s.read % 500 === 0) opts.onProgress?.({ commits: s.read });
  }
  await flush();
  // the branch's head is read even when its last commits were skipped
  if (s.read > 0) {
    await setSetting(store.db, key, head);
    s.checkpoint = head;
  }
  // the files task answers about this repository from now on (the server reads it where it is)
  await rememberRepository(store, { name, path: resolve(opts.repo), branch, webUrl: opts.webUrl });
  return s;
}
