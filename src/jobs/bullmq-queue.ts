import { EventEmitter } from 'node:events';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { EightballError } from '../domain/index.ts';
import { redactUrl } from '../store/database.ts';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  type EnqueueOptions,
  type JobHandlers,
  type JobInfo,
  type JobProgress,
  type JobQueue,
  type JobState,
  type QueueEvents,
  type RunningWorker,
  workerIdentity,
} from './queue.ts';

const CANCELLED = 'cancelled';

export interface BullQueueOptions {
  /** the queue's name in Redis: several eightball installations can share one Redis */
  name?: string;
  /** how long a job stays a worker's without its lock being renewed; then another takes it up */
  lockMs?: number;
}

/** Whether `p` settles within `ms` (it is not cancelled when it does not). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const ok = await Promise.race([p.then(() => true), late]);
  clearTimeout(timer);
  return ok;
}

/** QUIT when Redis answers (pending replies arrive first); else drop the socket, or QUIT waits for ever. */
async function endConnection(c: Redis): Promise<void> {
  if (
    c.status === 'ready' &&
    (await settlesWithin(
      c.quit().catch(() => undefined),
      2000,
    ))
  )
    return;
  c.disconnect();
}

function toInfo(job: Job, state: string): JobInfo {
  const failedAsCancel = state === 'failed' && job.failedReason === CANCELLED;
  const mapped: JobState = failedAsCancel
    ? 'cancelled'
    : state === 'failed'
      ? 'dead'
      : state === 'completed' || state === 'active' || state === 'delayed'
        ? state
        : 'waiting';
  const p = job.progress;
  return {
    id: String(job.id),
    name: job.name,
    data: job.data as unknown,
    state: mapped,
    progress: typeof p === 'object' && p !== null ? (p as JobProgress) : null,
    result: (job.returnvalue as unknown) ?? null,
    error: job.failedReason ?? null,
    attempts: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    createdAt: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

/**
 * The same queue on Redis with BullMQ 6: workers on any machine. A killed worker's job is taken
 * up again by another once its lock runs out (BullMQ's stalled-job check); a cancel request for an
 * active job is a Redis key its worker polls, as BullMQ has no cancel of its own.
 */
export class BullQueue implements JobQueue {
  readonly backend = 'bullmq';
  private readonly connection: Redis;
  private readonly queue: Queue;
  private readonly events = new EventEmitter();
  private readonly workers = new Set<RunningWorker>();
  private readonly name: string;
  private readonly lockMs: number;

  constructor(
    private readonly redisUrl: string,
    opts: BullQueueOptions = {},
  ) {
    this.name = opts.name ?? 'eightball';
    this.lockMs = opts.lockMs ?? 30_000;
    // BullMQ blocks on Redis commands: its connections must retry for ever rather than give up
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', this.reportOutage);
    this.connection.on('ready', () => {
      this.down = null;
    });
    this.queue = new Queue(this.name, { connection: this.connection });
    this.queue.on('error', this.reportOutage);
  }

  /** why Redis is not answering now, or null */
  private down: string | null = null;

  // one line per outage, not a stack trace per reconnect attempt
  private readonly reportOutage = (e: Error) => {
    if (this.down === null)
      process.stderr.write(`eightball: Redis ${redactUrl(this.redisUrl)} is not answering: ${e.message}\n`);
    this.down = e.message;
  };

  /** null when Redis answers, else why not (for /healthz) */
  async health(): Promise<string | null> {
    const status = this.connection.status;
    if (status === 'ready') return null;
    // still making its first connection, with no error yet: not an outage
    if (this.down === null && (status === 'wait' || status === 'connecting' || status === 'connect'))
      return null;
    return `Redis is not answering (${this.down ?? status})`;
  }

  private cancelKey(id: string): string {
    return `${this.name}:cancel:${id}`;
  }

  async enqueue(name: string, data: unknown, opts: EnqueueOptions = {}): Promise<JobInfo> {
    // with Redis down, add() waits for it for ever: a caller (a web request) gets an answer instead
    if (this.connection.status !== 'ready' && (await this.health()) !== null) {
      await new Promise((r) => setTimeout(r, 1000));
      const why = await this.health();
      if (why) throw new EightballError('unavailable', `cannot queue the ${name} job: ${why}`);
    }
    const job = await this.queue.add(name, data, {
      attempts: opts.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'exponential', delay: opts.backoffMs ?? DEFAULT_BACKOFF_MS },
      ...(opts.delayMs ? { delay: opts.delayMs } : {}),
      ...(opts.priority ? { priority: Math.max(1, 1000 - opts.priority) } : {}),
      ...(opts.dedupKey ? { deduplication: { id: opts.dedupKey } } : {}),
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
    return (await this.get(String(job.id)))!;
  }

  async get(id: string): Promise<JobInfo | null> {
    const job = await this.queue.getJob(id);
    if (!job) return null;
    return toInfo(job, await job.getState());
  }

  async list(opts: { state?: JobState; limit?: number } = {}): Promise<JobInfo[]> {
    const types =
      opts.state === 'dead' || opts.state === 'failed' || opts.state === 'cancelled'
        ? (['failed'] as const)
        : opts.state
          ? ([opts.state === 'waiting' ? 'wait' : opts.state] as const)
          : (['active', 'wait', 'prioritized', 'delayed', 'failed', 'completed'] as const);
    const jobs = await this.queue.getJobs([...types], 0, (opts.limit ?? 100) - 1, false);
    const out: JobInfo[] = [];
    for (const j of jobs) if (j) out.push(toInfo(j, await j.getState()));
    return out.sort((a, b) => Number(b.id) - Number(a.id)).slice(0, opts.limit ?? 100);
  }

  async cancel(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    const state = await job.getState();
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
      await job.remove();
      return true;
    }
    if (state === 'active') {
      await this.connection.set(this.cancelKey(id), '1', 'EX', 24 * 3600);
      return true;
    }
    return false;
  }

  async retry(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job || (await job.getState()) !== 'failed') return false;
    await this.connection.del(this.cancelKey(id));
    await job.retry('failed');
    return true;
  }

  on<E extends keyof QueueEvents>(event: E, listener: QueueEvents[E]): void {
    this.events.on(event, listener);
  }

  work(handlers: JobHandlers, opts: { concurrency?: number; workerId?: string } = {}): RunningWorker {
    const workerId = opts.workerId ?? workerIdentity();
    const connection = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    const inHand = new Map<string, AbortController>();
    const worker = new Worker(
      this.name,
      async (job) => {
        const handler = handlers[job.name];
        if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
        const abort = new AbortController();
        inHand.set(String(job.id), abort);
        const poll = setInterval(() => {
          this.connection
            .get(this.cancelKey(String(job.id)))
            .then((v) => {
              if (v) abort.abort(new Error(CANCELLED));
            })
            .catch(() => undefined);
        }, 1000);
        try {
          const result = await handler(job.data as unknown, {
            id: String(job.id),
            attempt: job.attemptsMade + 1,
            signal: abort.signal,
            workerId,
            progress: async (p) => {
              await job.updateProgress(p as unknown as object);
              this.events.emit('progress', String(job.id), p);
            },
          });
          if (abort.signal.aborted) throw new UnrecoverableError(CANCELLED);
          return result;
        } catch (e) {
          if ((abort.signal.reason as Error | undefined)?.message === CANCELLED)
            throw new UnrecoverableError(CANCELLED);
          throw e;
        } finally {
          clearInterval(poll);
          inHand.delete(String(job.id));
        }
      },
      {
        connection,
        concurrency: Math.max(1, opts.concurrency ?? 1),
        lockDuration: this.lockMs,
        stalledInterval: Math.max(1000, Math.floor(this.lockMs / 2)),
        maxStalledCount: 2,
        name: workerId,
      },
    );
    worker.on('completed', (job, result) => this.events.emit('completed', String(job.id), result));
    worker.on('failed', (job, err) => {
      if (!job) return;
      const willRetry = job.attemptsMade < (job.opts.attempts ?? 1) && !(err instanceof UnrecoverableError);
      this.events.emit('failed', String(job.id), err.message, willRetry);
    });
    // errors of the connection are retried by BullMQ; without a listener Node would throw them
    worker.on('error', this.reportOutage);
    connection.on('error', this.reportOutage);
    const running: RunningWorker = {
      id: workerId,
      stop: async ({ graceMs = 10_000 } = {}) => {
        // finish the jobs in hand; past the grace period, close hard: their locks lapse and
        // another worker takes them up. With Redis gone, closing waits for it for ever: a stop
        // must still end, so each wait is bounded
        const closed = worker.close().catch(() => undefined);
        if (!(await settlesWithin(closed, graceMs))) {
          for (const a of inHand.values()) a.abort(new Error('worker stopping'));
          await settlesWithin(
            worker.close(true).catch(() => undefined),
            2000,
          );
        }
        await endConnection(connection);
        this.workers.delete(running);
      },
    };
    this.workers.add(running);
    return running;
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.stop()));
    await settlesWithin(
      this.queue.close().catch(() => undefined),
      this.connection.status === 'ready' ? 10_000 : 1000,
    );
    await endConnection(this.connection);
  }
}
