import type { Worker } from 'node:worker_threads';
import type { CsrMatrix } from './sparse.ts';
import { type SvmProblem, solveTask, tasksOf } from './svm-solver.ts';
import { siblingModule, typeScriptWorker } from './ts-worker.ts';

/**
 * The one-vs-rest problems of an SVM fit are independent, so they are shared out over threads:
 * the main thread and up to `threads - 1` worker threads claim tasks (a class, or a block of
 * classes solved side by side: `svmTasks`) one at a time from a shared counter until none is left.
 * Each task has its own seed and its own columns of the weights, so the model is the same whatever
 * the number of threads.
 *
 * The main thread waits with Atomics.wait, which keeps `fit` synchronous for its callers. Workers
 * are started on first use, kept for later fits (a CV run fits dozens of models), and unref'd so
 * they never keep a process alive. A worker that fails leaves its problem marked failed, and the
 * main thread solves it again; one that has not started yet simply claims nothing.
 */
export interface ParallelOptions {
  /** threads to use in all, the calling one included (1: no worker threads) */
  threads: number;
  /** non-zeros × problems below which a fit stays on one thread: starting workers costs ~0.2 s */
  minWork: number;
}

/** Non-zeros × problems below which a fit stays on one thread. */
export const DEFAULT_MIN_WORK = 4_000_000;

/** What a worker is sent: the problem on shared memory, where to write, and the claim counters. */
export interface SharedFit {
  problem: SvmProblem;
  W: Float32Array;
  bias: Float32Array;
  /** [next task to claim, tasks finished] */
  ctrl: Int32Array;
  /** per task: 0 pending, 1 solved here, 2 failed, 3 solved by a worker thread */
  status: Int32Array;
}

export function solveClaimed(fit: SharedFit, solved = 1): void {
  const tasks = tasksOf(fit.problem);
  for (;;) {
    const k = Atomics.add(fit.ctrl, 0, 1);
    if (k >= tasks.length) return;
    try {
      solveTask(fit.problem, tasks[k]!, fit.W, fit.bias);
      Atomics.store(fit.status, k, solved);
    } catch {
      Atomics.store(fit.status, k, 2);
    }
    Atomics.add(fit.ctrl, 1, 1);
    Atomics.notify(fit.ctrl, 1);
  }
}

// the threads themselves are kept for later fits (a CV run fits dozens of models); how many a fit
// may use is the caller's parameter, never this module's setting
const workers: Worker[] = [];

/** How a fit's problems were shared: what a test or a benchmark can check. */
export interface SharedWork {
  problems: number;
  /** problems worker threads solved (0: all on the calling thread) */
  byWorkers: number;
}

function startWorkers(n: number): void {
  const url = siblingModule(import.meta.url, 'svm-worker');
  while (workers.length < n) {
    const w = typeScriptWorker(url);
    w.unref();
    w.on('error', () => {
      const i = workers.indexOf(w);
      if (i >= 0) workers.splice(i, 1);
    });
    workers.push(w);
  }
}

function shared<T extends Int32Array | Float32Array | Float64Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new Ctor(new SharedArrayBuffer(a.length * Ctor.BYTES_PER_ELEMENT));
  out.set(a as never);
  return out;
}

function sharedMatrix(X: CsrMatrix): CsrMatrix {
  return {
    nRows: X.nRows,
    nCols: X.nCols,
    indptr: shared(X.indptr),
    indices: shared(X.indices),
    data: shared(X.data),
  };
}

/** Solve every binary problem of `p`, on as many threads as configured and worth it. */
export function solveInParallel(
  p: SvmProblem,
  weightLength: number,
  K: number,
  parallel: ParallelOptions,
): { W: Float32Array; bias: Float32Array; work: SharedWork } {
  const tasks = tasksOf(p);
  const count = tasks.length;
  const threads = Math.min(Math.max(1, Math.floor(parallel.threads)), count);
  if (threads <= 1 || p.X.indices.length * count < parallel.minWork) {
    const W = new Float32Array(weightLength);
    const bias = new Float32Array(K);
    for (const task of tasks) solveTask(p, task, W, bias);
    return { W, bias, work: { problems: count, byWorkers: 0 } };
  }
  startWorkers(threads - 1);
  const fit: SharedFit = {
    problem: { ...p, X: sharedMatrix(p.X), codes: shared(p.codes), Dii: shared(p.Dii), QD: shared(p.QD) },
    W: new Float32Array(new SharedArrayBuffer(weightLength * 4)),
    bias: new Float32Array(new SharedArrayBuffer(K * 4)),
    ctrl: new Int32Array(new SharedArrayBuffer(8)),
    status: new Int32Array(new SharedArrayBuffer(count * 4)),
  };
  for (const w of workers.slice(0, threads - 1)) w.postMessage(fit);
  solveClaimed(fit);
  for (;;) {
    const done = Atomics.load(fit.ctrl, 1);
    if (done >= count) break;
    Atomics.wait(fit.ctrl, 1, done, 1000);
  }
  let byWorkers = 0;
  for (let k = 0; k < count; k++) {
    if (fit.status[k] === 3) byWorkers++;
    else if (fit.status[k] !== 1) solveTask(fit.problem, tasks[k]!, fit.W, fit.bias);
  }
  // plain copies: a model outlives the fit and is serialised, sliced and compared like any other
  return { W: fit.W.slice(), bias: fit.bias.slice(), work: { problems: count, byWorkers } };
}
