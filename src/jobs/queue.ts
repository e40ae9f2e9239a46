/** What a job is doing now, as the CLI's bar, the jobs page and the API show it. */
export interface JobProgress {
  done: number;
  total: number;
  message: string;
}

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'dead' | 'cancelled';

export interface JobInfo {
  id: string;
  name: string;
  data: unknown;
  state: JobState;
  progress: JobProgress | null;
  result: unknown;
  error: string | null;
  attempts: number;
  maxAttempts: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface EnqueueOptions {
  /** higher runs first */
  priority?: number;
  /** tries before the job is dead (the dead-letter state) */
  attempts?: number;
  /** the first retry waits this long, each next one twice as long */
  backoffMs?: number;
  delayMs?: number;
  /** while a job with this key waits or runs, enqueueing another returns that one */
  dedupKey?: string;
}

export interface JobContext {
  id: string;
  attempt: number;
  /** aborted when the job is cancelled or the worker is shutting down */
  signal: AbortSignal;
  progress(p: JobProgress): Promise<void>;
  /** who runs it: written next to results so a test can tell workers apart */
  workerId: string;
}

export type JobHandler = (data: unknown, ctx: JobContext) => Promise<unknown>;
export type JobHandlers = Record<string, JobHandler>;

export interface QueueEvents {
  progress: (id: string, p: JobProgress) => void;
  completed: (id: string, result: unknown) => void;
  failed: (id: string, error: string, willRetry: boolean) => void;
}

/** A running set of job loops; `stop` finishes (or hands back) the jobs in hand. */
export interface RunningWorker {
  readonly id: string;
  stop(opts?: { graceMs?: number }): Promise<void>;
}

/**
 * One queue, two backends: the embedded one (a table in eightball's own database) and BullMQ on
 * Redis. Handlers, the API and the pages only ever see this.
 */
export interface JobQueue {
  readonly backend: 'embedded' | 'bullmq';
  /** null when the queue can take jobs now, else why not (the embedded queue is the database) */
  health?(): Promise<string | null>;
  enqueue(name: string, data: unknown, opts?: EnqueueOptions): Promise<JobInfo>;
  get(id: string): Promise<JobInfo | null>;
  list(opts?: { state?: JobState; limit?: number }): Promise<JobInfo[]>;
  cancel(id: string): Promise<boolean>;
  retry(id: string): Promise<boolean>;
  work(handlers: JobHandlers, opts?: { concurrency?: number; workerId?: string }): RunningWorker;
  on<E extends keyof QueueEvents>(event: E, listener: QueueEvents[E]): void;
  close(): Promise<void>;
}

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 2000;

export function workerIdentity(): string {
  return `${process.env.HOSTNAME ?? 'host'}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}
