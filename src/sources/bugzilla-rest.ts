import pLimit from 'p-limit';
import { bugzillaBugToReport } from './bugzilla-json.ts';
import { DEFAULT_RETRY, fetchJsonWithRetry, type RetryEvent, type RetryPolicy } from './http-retry.ts';
import type { SourceItem } from './source-item.ts';

export interface BugzillaQuery {
  /** the Bugzilla's base URL, e.g. https://bugzilla.mozilla.org */
  url: string;
  products?: string[];
  components?: string[];
  /** only bugs changed at or after this time (ISO) */
  since?: string | null;
  apiKey?: string;
  pageSize?: number;
  /** requests for comments and history in flight at once */
  concurrency?: number;
  /** stop after this many bugs (a trial run) */
  limit?: number;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  onRetry?: (e: RetryEvent) => void;
  onPage?: (p: { offset: number; bugs: number }) => void;
}

/** The source name for a Bugzilla instance: its host, so two instances never share ids. */
export function bugzillaSourceName(url: string): string {
  try {
    return `bugzilla:${new URL(url).host}`;
  } catch {
    return `bugzilla:${url}`;
  }
}

export function bugzillaQueryString(q: BugzillaQuery, offset: number): string {
  const p = new URLSearchParams();
  for (const prod of q.products ?? []) p.append('product', prod);
  for (const comp of q.components ?? []) p.append('component', comp);
  if (q.since) p.set('last_change_time', q.since);
  // oldest change first, so a checkpoint of last_change_time only ever moves forward
  p.set('order', 'changeddate,bug_id');
  p.set('limit', String(q.pageSize ?? 100));
  p.set('offset', String(offset));
  return p.toString();
}

/**
 * Page through `/rest/bug` and fetch, per bug, the first comment (the description) and the
 * history (for the as-filed fields), with bounded concurrency and retries. Yields in the order
 * Bugzilla returned the bugs, so the checkpoint is the last change time seen.
 */
export async function* readBugzillaRest(
  q: BugzillaQuery,
  source = bugzillaSourceName(q.url),
): AsyncGenerator<SourceItem> {
  const base = q.url.replace(/\/+$/, '');
  const headers: Record<string, string> = q.apiKey ? { 'X-BUGZILLA-API-KEY': q.apiKey } : {};
  const get = (path: string) =>
    fetchJsonWithRetry(`${base}${path}`, {
      headers,
      signal: q.signal,
      policy: q.retry ?? DEFAULT_RETRY,
      onRetry: q.onRetry,
    });
  const limit = pLimit(q.concurrency ?? 4);
  const pageSize = q.pageSize ?? 100;
  let offset = 0;
  let seen = 0;
  for (;;) {
    const page = (await get(`/rest/bug?${bugzillaQueryString(q, offset)}`)) as {
      bugs?: Record<string, unknown>[];
    };
    const bugs = page.bugs ?? [];
    q.onPage?.({ offset, bugs: bugs.length });
    const detailed = await Promise.all(
      bugs.map((bug) =>
        limit(async () => {
          const id = bug.id;
          const [comments, history] = await Promise.all([
            get(`/rest/bug/${id}/comment`) as Promise<{ bugs?: Record<string, { comments?: unknown[] }> }>,
            get(`/rest/bug/${id}/history`) as Promise<{ bugs?: { history?: unknown[] }[] }>,
          ]);
          return {
            ...bug,
            comments: (comments.bugs?.[String(id)]?.comments ?? []).slice(0, 1),
            history: history.bugs?.[0]?.history ?? [],
          };
        }),
      ),
    );
    for (const bug of detailed) {
      seen++;
      const built = bugzillaBugToReport(bug, {
        file: `${base}/rest/bug`,
        line: offset + detailed.indexOf(bug) + 1,
        source,
        raw: bug,
        baseUrl: base,
      });
      if ('location' in built) yield { kind: 'error', error: built };
      else yield { kind: 'report', report: built, line: seen };
      if (q.limit !== undefined && seen >= q.limit) return;
    }
    if (bugs.length < pageSize) return;
    offset += bugs.length;
  }
}
