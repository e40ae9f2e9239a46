import { EightballError } from '../domain/index.ts';

export interface RetryPolicy {
  /** attempts in all, the first included */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  timeoutMs: 60_000,
};

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new EightballError('interrupted', 'interrupted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new EightballError('interrupted', 'interrupted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryEvent {
  url: string;
  attempt: number;
  status: number | null;
  delayMs: number;
  reason: string;
}

/**
 * GET a JSON document, retrying 429 and 5xx (and network failures) with exponential backoff and
 * jitter; a Retry-After header, when the server sends one, sets the wait instead.
 */
export function fetchJsonWithRetry(
  url: string,
  init: {
    headers?: Record<string, string>;
    signal?: AbortSignal;
    policy?: RetryPolicy;
    onRetry?: (e: RetryEvent) => void;
  },
): Promise<unknown> {
  return requestJsonWithRetry('GET', url, init);
}

/**
 * A JSON request with the same retries. A POST (which creates something: a comment) is retried
 * only on 429, which says it was not taken; a 5xx might have been, and a retry could post twice.
 * An empty answer (204) is null.
 */
export async function requestJsonWithRetry(
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  url: string,
  init: {
    headers?: Record<string, string>;
    body?: unknown;
    signal?: AbortSignal | undefined;
    policy?: RetryPolicy;
    onRetry?: ((e: RetryEvent) => void) | undefined;
  },
): Promise<unknown> {
  const policy = init.policy ?? DEFAULT_RETRY;
  let lastError = '';
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let status: number | null = null;
    let delay: number | null = null;
    try {
      const signals = [AbortSignal.timeout(policy.timeoutMs)];
      if (init.signal) signals.push(init.signal);
      const res = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.any(signals),
      });
      status = res.status;
      if (res.ok) {
        const text = await res.text();
        return text.trim() === '' ? null : JSON.parse(text);
      }
      const body = await res.text().catch(() => '');
      lastError = `HTTP ${res.status}${body ? `: ${body.slice(0, 200)}` : ''}`;
      if (res.status !== 429 && (res.status < 500 || method === 'POST')) {
        throw new EightballError('http', `${method} ${redactKey(url)}: ${lastError}`);
      }
      delay = retryAfterMs(res.headers.get('retry-after'));
    } catch (e) {
      if (e instanceof EightballError) throw e;
      if (init.signal?.aborted) throw new EightballError('interrupted', 'interrupted');
      lastError = (e as Error).message;
      // a POST that failed in flight may have been taken: not retried
      if (method === 'POST') throw new EightballError('http', `${method} ${redactKey(url)}: ${lastError}`);
    }
    if (attempt === policy.attempts) break;
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const wait = delay ?? backoff / 2 + Math.random() * (backoff / 2);
    init.onRetry?.({ url: redactKey(url), attempt, status, delayMs: wait, reason: lastError });
    await sleep(Math.min(wait, policy.maxDelayMs), init.signal);
  }
  throw new EightballError(
    'http',
    `${method} ${redactKey(url)}: gave up after ${policy.attempts} attempts: ${lastError}`,
  );
}

/** Never print an API key that travels in a query string. */
export function redactKey(url: string): string {
  return url.replace(/([?&](?:api_key|Bugzilla_api_key)=)[^&]*/gi, '$1***');
}
