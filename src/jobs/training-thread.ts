// The thread a train or evaluate job runs in (training-threads.ts starts it): the fit is minutes
// of CPU, and on the job's own thread it would starve the lease heartbeat (embedded queue) or the
// lock renewal (BullMQ), and the job would be declared lost while it still ran.
import { parentPort, workerData } from 'node:worker_threads';
import { isEightballError } from '../domain/index.ts';
import { openStore } from '../store/index.ts';
import { evaluateTask, type TaskName, trainTask } from '../triage/index.ts';
import type { TrainingRequest } from './training-threads.ts';

const req = workerData as TrainingRequest;
const progress = (what: string, done: number, total: number) =>
  parentPort!.postMessage({ progress: { what, done, total } });

async function run(): Promise<unknown> {
  const store = await openStore(req.databaseUrl, { migrate: false });
  try {
    const task = req.task as TaskName;
    const threads = req.threads ?? 1;
    return req.kind === 'train'
      ? await trainTask(store, task, { ...req.options, onProgress: progress, threads })
      : await evaluateTask(store, task, { ...req.options, onProgress: progress, threads });
  } finally {
    await store.close();
  }
}

run().then(
  (result) => parentPort!.postMessage({ result }),
  (e: unknown) =>
    parentPort!.postMessage({
      error: {
        message: e instanceof Error ? e.message : String(e),
        code: isEightballError(e) ? e.code : null,
      },
    }),
);
