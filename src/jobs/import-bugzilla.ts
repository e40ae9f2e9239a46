import type { RecordError } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import { type BugzillaQuery, bugzillaSourceName, readBugzillaRest } from '../sources/bugzilla-rest.ts';
import type { RetryEvent } from '../sources/http-retry.ts';
import { latestImportRun, type Store } from '../store/index.ts';
import { claimInput, type ImportSummary, type IngestProgress, ingest } from './ingest.ts';
import { newestUpdate, pageIngestOptions, syncStart } from './tracker-sync.ts';

export interface BugzillaImportOptions {
  url: string;
  products?: string[];
  components?: string[];
  /** overrides the checkpoint: only bugs changed at or after this date */
  since?: string;
  apiKey?: string;
  source?: string;
  pageSize?: number;
  concurrency?: number;
  limit?: number;
  strict?: boolean;
  rejectsPath?: string;
  signal?: AbortSignal;
  retryBaseDelayMs?: number;
  onProgress?: (p: IngestProgress) => void;
  onRejected?: (e: RecordError) => void;
  onRetry?: (e: RetryEvent) => void;
}

export interface BugzillaImportSummary extends ImportSummary {
  since: string | null;
}

/**
 * Incremental sync from a Bugzilla REST API: starts from the last run's checkpoint (the newest
 * `last_change_time` stored), so a scheduled import fetches only what changed, and an interrupted
 * one carries on where it stopped.
 */
export async function importBugzilla(
  store: Store,
  opts: BugzillaImportOptions,
): Promise<BugzillaImportSummary> {
  let base: URL;
  try {
    base = new URL(opts.url);
  } catch {
    throw new EightballError(
      'usage',
      `--url: "${opts.url}" is not a URL (e.g. https://bugzilla.mozilla.org)`,
    );
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new EightballError('usage', `--url: "${opts.url}" must be http:// or https://`);
  }
  const url = opts.url.replace(/\/+$/, '');
  const source = opts.source ?? bugzillaSourceName(url);
  const products = [...(opts.products ?? [])].sort();
  const components = [...(opts.components ?? [])].sort();
  const target = JSON.stringify({ url, products, components });
  const previous = await latestImportRun(store.db, source, target);
  await claimInput(store, previous, `${url} into source "${source}"`);
  const since = await syncStart(store, source, target, opts.since);
  const query: BugzillaQuery = {
    url,
    products,
    components,
    since,
    apiKey: opts.apiKey,
    pageSize: opts.pageSize,
    concurrency: opts.concurrency,
    limit: opts.limit,
    signal: opts.signal,
    onRetry: opts.onRetry,
    retry:
      opts.retryBaseDelayMs !== undefined
        ? { attempts: 6, baseDelayMs: opts.retryBaseDelayMs, maxDelayMs: 60_000, timeoutMs: 60_000 }
        : undefined,
  };
  const summary = await ingest(
    store,
    {
      run: {
        source,
        kind: 'bugzilla',
        target,
        fingerprint: target,
        options: { products, components, since },
        checkpoint: since,
      },
      items: readBugzillaRest(query, source),
      skip: 0,
      checkpointAfter: newestUpdate,
    },
    pageIngestOptions(opts, opts.pageSize ?? 100),
  );
  return { ...summary, since };
}
