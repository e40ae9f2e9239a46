import { EventEmitter } from 'node:events';
import {
  claimJob,
  failJob,
  finishJob,
  getJob,
  insertJob,
  type JobRow,
  listJobs,
  reapExpiredLeases,
  releaseJob,
  renewLease,
  requestCancel,
  retryJob,
  type Store,
  setJobProgress,
} from '../store/index.ts';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  type EnqueueOptions,
  type JobHandlers,
  type JobInfo,
  type JobQueue,
  type JobState,
  type QueueEvents,
  type RunningWorker,
  workerIdentity,
} from './queue.ts';

function toInfo(r: JobRow, now = new Date().toISOString()): JobInfo {
  const state: JobState = r.state === 'waiting' && r.run_at > now ? 'delayed' : r.state;
  return {
    id: String(r.id),
    name: r.name,
    data: JSON.parse(r.data) as unknown,
    state,
    progress: r.progress ? (JSON.parse(r.progress) as JobInfo['progress']) : null,
    result: r.result ? (JSON.parse(r.result) as unknown) : null,
    error: r.error,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

export interface EmbeddedQueueOptions {
  /** how long a claimed job is a worker's without a heartbeat */
  leaseMs?: number;
  /** how often an idle worker looks for work */
  pollMs?: number;
}

// each idle poll sleeps: its abort listener must go when the sleep ends, or they pile up
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * The queue as a table in eightball's own database: no server to run. A worker claims a job
 * with a lease and renews it while working; a job whose lease runs out (its worker crashed or was
 * killed) goes back to waiting for any worker, until its attempts are spent (then: dead).
 */
export class EmbeddedQueue implements JobQueue {
  readonly backend = 'embedded';
  private readonly events = new EventEmitter();
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly workers = new Set<RunningWorker>();

  constructor(
    private readonly store: Store,
    opts: EmbeddedQueueOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.pollMs = opts.pollMs ?? 250;
  }

  async enqueue(name: string, data: unknown, opts: EnqueueOptions = {}): Promise<JobInfo> {
    const now = new Date();
    const { id } = await insertJob(
      this.store.db,
      {
        name,
        data,
        priority: opts.priority ?? 0,
        maxAttempts: opts.attempts ?? DEFAULT_ATTEMPTS,
        backoffMs: opts.backoffMs ?? DEFAULT_BACKOFF_MS,
        runAt: new Date(now.getTime() + (opts.delayMs ?? 0)).toISOString(),
        dedupKey: opts.dedupKey ?? null,
      },
      now.toISOString(),
    );
    return (await this.get(String(id)))!;
  }

  async get(id: string): Promise<JobInfo | null> {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n <= 0) return null;
    const r = await getJob(this.store.db, n);
    return r ? toInfo(r) : null;
  }

  async list(opts: { state?: JobState; limit?: number } = {}): Promise<JobInfo[]> {
    const state = opts.state === 'delayed' ? 'waiting' : opts.state === 'failed' ? 'dead' : opts.state;
    return (await listJobs(this.store.db, { ...(state ? { state } : {}), limit: opts.limit ?? 100 })).map(
      (r) => toInfo(r),
    );
  }

  cancel(id: string): Promise<boolean> {
    return requestCancel(this.store.db, Number(id), new Date().toISOString());
  }

  retry(id: string): Promise<boolean> {
    return retryJob(this.store.db, Number(id), new Date().toISOString());
  }

  on<E extends keyof QueueEvents>(event: E, listener: QueueEvents[E]): void {
    this.events.on(event, listener);
  }

  work(handlers: JobHandlers, opts: { concurrency?: number; workerId?: string } = {}): RunningWorker {
    const workerId = opts.workerId ?? workerIdentity();
    const names = Object.keys(handlers);
    const stopping = new AbortController();
    const inHand = new Map<number, AbortController>();
    let graceful = true;
    const db = this.store.db;
    const lease = () => new Date(Date.now() + this.leaseMs).toISOString();

    const runOne = async (job: JobRow) => {
      const abort = new AbortController();
      inHand.set(job.id, abort);
      const heartbeat = setInterval(
        () => {
          renewLease(db, job.id, workerId, lease(), new Date().toISOString())
            .then((s) => {
              if (!s.held || s.cancelRequested) abort.abort(new Error(s.held ? 'cancelled' : 'lease lost'));
            })
            .catch(() => undefined);
        },
        Math.max(50, Math.floor(this.leaseMs / 3)),
      );
      try {
        const result = await handlers[job.name]!(JSON.parse(job.data) as unknown, {
          id: String(job.id),
          attempt: job.attempts,
          signal: abort.signal,
          workerId,
          progress: async (p) => {
            await setJobProgress(db, job.id, workerId, p, new Date().toISOString());
            this.events.emit('progress', String(job.id), p);
          },
        });
        if (abort.signal.aborted && (abort.signal.reason as Error)?.message === 'cancelled') {
          await finishJob(db, job.id, workerId, { state: 'cancelled' }, new Date().toISOString());
        } else if (
          await finishJob(db, job.id, workerId, { state: 'completed', result }, new Date().toISOString())
        ) {
          this.events.emit('completed', String(job.id), result);
        }
      } catch (e) {
        const why = (abort.signal.reason as Error | undefined)?.message;
        if (why === 'cancelled') {
          await finishJob(db, job.id, workerId, { state: 'cancelled' }, new Date().toISOString());
        } else if (stopping.signal.aborted && !graceful) {
          await releaseJob(db, job.id, workerId, new Date().toISOString());
        } else {
          const message = e instanceof Error ? e.message : String(e);
          const state = await failJob(db, job.id, workerId, message, new Date());
          this.events.emit('failed', String(job.id), message, state === 'waiting');
        }
      } finally {
        clearInterval(heartbeat);
        inHand.delete(job.id);
      }
    };

    let lastReap = 0;
    const loop = async () => {
      while (!stopping.signal.aborted) {
        try {
          if (Date.now() - lastReap > Math.min(5000, this.leaseMs)) {
            lastReap = Date.now();
            await reapExpiredLeases(db, new Date().toISOString());
          }
          const job = await claimJob(db, workerId, names, lease(), new Date().toISOString());
          if (!job) {
            await sleep(this.pollMs, stopping.signal);
            continue;
          }
          await runOne(job);
        } catch {
          // the database went away for a moment: back off and try again
          await sleep(this.pollMs * 4, stopping.signal);
        }
      }
    };
    const loops = Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, () => loop());
    const worker: RunningWorker = {
      id: workerId,
      stop: async ({ graceMs = 10_000 } = {}) => {
        stopping.abort();
        // finish what is in hand; past the grace period, abort and hand the jobs back
        const done = Promise.all(loops);
        const timer = setTimeout(() => {
          graceful = false;
          for (const a of inHand.values()) a.abort(new Error('worker stopping'));
        }, graceMs);
        await done;
        clearTimeout(timer);
        this.workers.delete(worker);
      },
    };
    this.workers.add(worker);
    return worker;
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.stop()));
  }
}
