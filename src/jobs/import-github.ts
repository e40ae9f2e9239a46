import { EightballError } from '../domain/index.ts';
import { GITHUB_API, githubClient } from '../sources/github-client.ts';
import { githubSourceName, parseRepo, readGithubIssues } from '../sources/github-rest.ts';
import { getSetting, latestImportRun, type Store, setSetting } from '../store/index.ts';
import { claimInput, type ImportSummary, ingest } from './ingest.ts';
import { newestUpdate, pageIngestOptions, syncStart, type TrackerSyncOptions } from './tracker-sync.ts';

export interface GithubImportOptions extends TrackerSyncOptions {
  /** OWNER/REPO */
  repo: string;
  token?: string | undefined;
  /** the API root (GitHub Enterprise: https://HOST/api/v3) */
  apiUrl?: string | undefined;
  /** milliseconds per second of a rate-limit wait (tests shrink it) */
  retryAfterBaseValue?: number;
  onRateLimit?: (e: { kind: 'primary' | 'secondary'; retryAfterSeconds: number; url: string }) => void;
}

export interface GithubImportSummary extends ImportSummary {
  since: string | null;
  /** the first page answered 304: nothing changed since the last run */
  notModified: boolean;
}

/**
 * Incremental sync of a GitHub repository's issues: from the last run's checkpoint (the newest
 * `updated_at` stored), with the first page asked conditionally on its last ETag.
 */
export async function importGithub(store: Store, opts: GithubImportOptions): Promise<GithubImportSummary> {
  const { owner, repo } = parseRepo(opts.repo);
  const apiUrl = (opts.apiUrl ?? GITHUB_API).replace(/\/+$/, '');
  if (!/^https?:\/\/\S+$/.test(apiUrl))
    throw EightballError.about('url', 'usage', `--api-url: "${apiUrl}" must be http:// or https://`);
  const source = opts.source ?? githubSourceName(`${owner}/${repo}`);
  const target = JSON.stringify({ api: apiUrl, repo: `${owner}/${repo}`.toLowerCase() });
  const previous = await latestImportRun(store.db, source, target);
  await claimInput(store, previous, `${owner}/${repo} into source "${source}"`);
  const since = await syncStart(store, source, target, opts.since);
  // an ETag belongs to one exact query: the checkpoint is part of its key
  const etagKey = `etag:${source}:${target}:${since ?? ''}`;
  const etag = opts.since ? null : ((await getSetting(store.db, etagKey)) ?? null);
  let newEtag: string | null = null;
  let notModified = false;
  const octokit = githubClient({
    token: opts.token,
    baseUrl: apiUrl,
    ...(opts.retryAfterBaseValue !== undefined ? { retryAfterBaseValue: opts.retryAfterBaseValue } : {}),
    ...(opts.onRateLimit ? { onRateLimit: opts.onRateLimit } : {}),
  });
  const summary = await ingest(
    store,
    {
      run: {
        source,
        kind: 'github',
        target,
        fingerprint: target,
        options: { repo: `${owner}/${repo}`, since },
        checkpoint: since,
      },
      items: readGithubIssues(octokit, {
        repo: `${owner}/${repo}`,
        source,
        since,
        etag,
        ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        onEtag: (e) => {
          newEtag = e;
        },
        onNotModified: () => {
          notModified = true;
        },
      }),
      skip: 0,
      checkpointAfter: newestUpdate,
    },
    pageIngestOptions(opts, opts.pageSize ?? 100),
  );
  // the ETag is worth keeping only while the checkpoint it was asked with stays the next one
  if (newEtag && summary.status === 'completed' && (summary.checkpoint ?? null) === since)
    await setSetting(store.db, etagKey, newEtag);
  return { ...summary, since, notModified };
}
