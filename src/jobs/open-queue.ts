import { EightballError } from '../domain/index.ts';
import { redactUrl, type Store } from '../store/index.ts';
import { EmbeddedQueue } from './embedded-queue.ts';
import type { JobQueue } from './queue.ts';

export interface QueueSettings {
  redisUrl?: string | undefined;
  /** lease (embedded) or lock (BullMQ) length: how soon a dead worker's job is taken up again */
  leaseMs?: number | undefined;
  /** the BullMQ queue's name in Redis (EIGHTBALL_QUEUE_PREFIX): installations sharing a Redis keep apart */
  prefix?: string | undefined;
}

/**
 * BullMQ when a Redis URL is configured, else the embedded queue in eightball's own database.
 * BullMQ and its Redis client are loaded only then: importing them was 0.3 s of every server's
 * start (bench/RESULTS.md, where the PostgreSQL server's start goes).
 */
export async function openQueue(store: Store, s: QueueSettings = {}): Promise<JobQueue> {
  const leaseMs = s.leaseMs;
  if (!s.redisUrl) return new EmbeddedQueue(store, leaseMs ? { leaseMs } : {});
  const { BullQueue } = await import('./bullmq-queue.ts');
  return new BullQueue(s.redisUrl, {
    ...(leaseMs ? { lockMs: leaseMs } : {}),
    ...(s.prefix ? { name: s.prefix } : {}),
  });
}

/**
 * The queue, once Redis (when configured) has answered a PING: a wrong EIGHTBALL_REDIS_URL is one
 * clear message at start rather than a process that retries for ever while requests hang.
 */
export async function openQueueChecked(store: Store, s: QueueSettings = {}): Promise<JobQueue> {
  if (s.redisUrl) await assertRedisReachable(s.redisUrl);
  return openQueue(store, s);
}

/**
 * The queue a command's configuration names, checked as `openQueueChecked` does; when it cannot
 * be had, the store is closed before the error goes up, so the command ends cleanly.
 */
export async function openConfiguredQueue(
  store: Store,
  config: { redisUrl?: string | undefined; jobLeaseMs: number; queuePrefix: string },
): Promise<JobQueue> {
  try {
    return await openQueueChecked(store, {
      redisUrl: config.redisUrl,
      leaseMs: config.jobLeaseMs,
      prefix: config.queuePrefix,
    });
  } catch (e) {
    await store.close();
    throw e;
  }
}

export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const { Redis } = await import('ioredis');
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let last: Error | undefined;
  r.on('error', (e: Error) => {
    last = e;
  });
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    const why = (last ?? (e as Error)).message;
    throw new EightballError(
      'unavailable',
      `cannot reach Redis at ${redactUrl(url)} (EIGHTBALL_REDIS_URL): ${why}`,
    );
  } finally {
    r.disconnect();
  }
}
