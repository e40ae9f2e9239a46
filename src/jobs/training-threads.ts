import { EightballError, type ErrorCode } from '../domain/index.ts';
import { type OnProgress, siblingModule, typeScriptWorker } from '../ml/index.ts';
import type { Store } from '../store/index.ts';
import { evaluateTask, type TaskName, type TrainOptions, trainTask } from '../triage/index.ts';

export interface TrainingRequest {
  kind: 'train' | 'evaluate';
  databaseUrl: string;
  task: string;
  options: Pick<TrainOptions, 'force' | 'sentenceEncoder' | 'runKey' | 'seed'>;
  /** threads its fit may use: the job process's (EIGHTBALL_THREADS, --config); default 1 */
  threads?: number;
}

/** Whether another thread can open the same database (an in-memory SQLite is this connection's only). */
export function shareableDatabase(url: string | undefined): url is string {
  return !!url && !url.startsWith('sqlite::memory:');
}

/**
 * Train or evaluate a task in a worker thread of its own, over its own connection to the same
 * database, so this thread stays free for heartbeats and lock renewal. Aborting the signal ends
 * the thread: its transaction (store and activate together) is then never committed. Without a
 * shareable database (an in-memory store in tests) the work runs here.
 */
export async function runTraining(
  store: Store,
  req: TrainingRequest,
  onProgress: OnProgress,
  signal?: AbortSignal,
): Promise<unknown> {
  if (!shareableDatabase(req.databaseUrl)) {
    const task = req.task as TaskName;
    const threads = req.threads ?? 1;
    return req.kind === 'train'
      ? trainTask(store, task, { ...req.options, onProgress, threads })
      : evaluateTask(store, task, { ...req.options, onProgress, threads });
  }
  const worker = typeScriptWorker(siblingModule(import.meta.url, 'training-thread'), req);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () =>
      finish(() => reject(signal?.reason instanceof Error ? signal.reason : new Error('stopped')));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on(
      'message',
      (m: {
        progress?: { what: string; done: number; total: number };
        result?: unknown;
        error?: { message: string; code: ErrorCode | null };
      }) => {
        if (m.progress) onProgress(m.progress.what, m.progress.done, m.progress.total);
        else if (m.error)
          finish(() =>
            reject(
              m.error!.code
                ? new EightballError(m.error!.code, m.error!.message)
                : new Error(m.error!.message),
            ),
          );
        else if ('result' in m) finish(() => resolve(m.result));
      },
    );
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the ${req.kind} thread exited (${code})`))));
  });
}
