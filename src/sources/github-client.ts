import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { VERSION } from '../domain/version.ts';

export interface GithubClientOptions {
  /** a personal access token or an app installation token (never logged) */
  token?: string | undefined;
  /** the API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise */
  baseUrl?: string | undefined;
  /** how many times a request is retried after a rate limit before giving up */
  rateLimitRetries?: number;
  /** milliseconds per second of Retry-After / reset wait (tests shrink it; 1000 in use) */
  retryAfterBaseValue?: number;
  onRateLimit?: (e: { kind: 'primary' | 'secondary'; retryAfterSeconds: number; url: string }) => void;
}

export const GITHUB_API = 'https://api.github.com';

/**
 * An Octokit that waits out GitHub's primary limit (X-RateLimit-Remaining 0 until Reset) and its
 * secondary limits (Retry-After), and retries 5xx with backoff: the throttling and retry plugins,
 * which GitHub's own docs recommend over a hand-made loop.
 */
export function githubClient(o: GithubClientOptions): Octokit {
  const Client = Octokit.plugin(throttling, retry);
  const retries = o.rateLimitRetries ?? 4;
  const base = o.retryAfterBaseValue ?? 1000;
  return new Client({
    ...(o.token ? { auth: o.token } : {}),
    baseUrl: (o.baseUrl ?? GITHUB_API).replace(/\/+$/, ''),
    userAgent: `eightball/${VERSION}`,
    // Octokit's default logger writes warnings to the console; ours go through onRateLimit
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    throttle: {
      retryAfterBaseValue: base,
      onRateLimit: (after: number, options: { url: string }, _k: unknown, count: number) => {
        o.onRateLimit?.({ kind: 'primary', retryAfterSeconds: after, url: options.url });
        return count < retries;
      },
      onSecondaryRateLimit: (after: number, options: { url: string }, _k: unknown, count: number) => {
        o.onRateLimit?.({ kind: 'secondary', retryAfterSeconds: after, url: options.url });
        return count < retries;
      },
    },
    retry: { retryAfterBaseValue: base },
  });
}

/** An Octokit RequestError's status, or null for anything else. */
export function requestStatus(e: unknown): number | null {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : null;
}
