import { MessageChannel, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { CorpusCounter, type CorpusCounts, type CounterState } from './corpus-counter.ts';
import type { OnProgress } from './progress.ts';
import type { VectorizerParams } from './terms.ts';
import { DocTokenizer, type RawDoc, type TokenizerSpec, tokenizerOptions } from './tokenizer-spec.ts';
import { siblingModule, typeScriptWorker } from './ts-worker.ts';

/** Documents posted to the worker at a time, between chunks the main thread counts itself. */
const CHUNK = 2000;
/** A worker that counts nothing for this long is given up on and its documents counted here. */
const STALL_MS = 120_000;
const WHAT = 'tokenising and counting the reports once';
/** Documents counted by the worker past which it is let go, not kept for the next count. */
const LET_GO_AFTER = 100_000;

// kept between counts, as the SVM pool keeps its threads (a model search counts several times)
let pooled: Worker | null = null;

function countWorker(): Worker {
  if (pooled) return pooled;
  const w = typeScriptWorker(siblingModule(import.meta.url, 'count-worker'));
  w.unref();
  const drop = () => {
    if (pooled === w) pooled = null;
  };
  w.on('error', drop);
  w.on('exit', drop);
  pooled = w;
  return w;
}

/**
 * Tokenise and count `n` documents on two threads: the main thread the first half, a worker the
 * second (posted to it a chunk at a time as the main thread goes), whose counts are then absorbed
 * after the first half's, so the documents keep their order. Tokenising and counting are most of
 * a large training's time and were on one thread. Should the worker fail or stall, its half is
 * counted here: slower, never different.
 */
export function countOnTwoThreads(
  params: VectorizerParams,
  tokenizer: TokenizerSpec,
  n: number,
  raw: (i: number) => RawDoc,
  onProgress?: OnProgress,
): { counts: CorpusCounts; byWorker: number } {
  const tokens = new DocTokenizer(tokenizerOptions(tokenizer));
  const counter = new CorpusCounter(params);
  const half = Math.floor(n / 2);
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker | null = null;
  try {
    worker = countWorker();
    worker.postMessage({ port: port2, params, tokenizer, ctrl, expected: n - half }, [port2]);
  } catch {
    worker = null;
  }
  let posted = half;
  // the worker's next chunk, posted as the main thread goes so that its inbox stays short
  const post = () => {
    const to = Math.min(n, posted + CHUNK);
    const docs: RawDoc[] = [];
    for (let i = posted; i < to; i++) docs.push(raw(i));
    port1.postMessage({ docs });
    posted = to;
  };
  for (let from = 0; from < half; from += CHUNK) {
    if (worker && posted < n) post();
    for (let i = from; i < Math.min(half, from + CHUNK); i++) counter.add(tokens.tokenize(raw(i)));
    // room for every document's entries, the worker's half included, from what the first chunk
    // took: its half then joins in place, where growing by half again and again held each array
    // and its copy, and absorbing the worker's half a third array (a million reports: 2.7 GB of
    // counts at once, against 1.2)
    if (from === 0) counter.reserveFor(n);
    onProgress?.(WHAT, Math.min(n, 2 * (from + CHUNK)), n);
  }
  while (worker && posted < n) post();
  let state: CounterState | null = null;
  if (worker) {
    port1.postMessage({ end: true });
    let seen = -1;
    let since = performance.now();
    for (;;) {
      const s = Atomics.load(ctrl, 1);
      if (s !== 0) {
        if (s === 1) state = (receiveMessageOnPort(port1)?.message as CounterState | undefined) ?? null;
        break;
      }
      const counted = Atomics.load(ctrl, 0);
      if (counted !== seen) {
        seen = counted;
        since = performance.now();
      } else if (performance.now() - since > STALL_MS) break;
      Atomics.wait(ctrl, 1, 0, 1000);
    }
    // a worker that failed or stalled is not asked again; nor one that counted a large corpus: its
    // counter's tables stay in its heap until it next collects, which an idle thread may not do
    // for the rest of a train (a million reports: hundreds of megabytes held)
    if (!state || n - half >= LET_GO_AFTER) {
      pooled = null;
      void worker.terminate();
    }
  }
  port1.close();
  if (state) counter.absorb(state);
  else for (let i = half; i < n; i++) counter.add(tokens.tokenize(raw(i)));
  onProgress?.(WHAT, n, n);
  return { counts: counter.finish(), byWorker: state ? n - half : 0 };
}
