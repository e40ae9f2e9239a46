import type { Store } from '../store/index.ts';
import { BullQueue } from './bullmq-queue.ts';
import { EmbeddedQueue } from './embedded-queue.ts';
import type { JobQueue } from './queue.ts';

export interface QueueSettings {
  redisUrl?: string | undefined;
  /** lease (embedded) or lock (BullMQ) length: how soon a dead worker's job is taken up again */
  leaseMs?: number | undefined;
}

/** BullMQ when a Redis URL is configured, else the embedded queue in eightball's own database. */
export function openQueue(store: Store, s: QueueSettings = {}): JobQueue {
  const leaseMs = s.leaseMs;
  return s.redisUrl
    ? new BullQueue(s.redisUrl, leaseMs ? { lockMs: leaseMs } : {})
    : new EmbeddedQueue(store, leaseMs ? { leaseMs } : {});
}
