// A worker thread of the parallel count: for each count the main thread starts (a port of its
// own), tokenises and counts the documents posted on it, then hands its counts back
// (parallel-count.ts). The thread is kept for the next count.
import { type MessagePort, parentPort } from 'node:worker_threads';
import { CorpusCounter } from './corpus-counter.ts';
import type { VectorizerParams } from './terms.ts';
import { DocTokenizer, type RawDoc, type TokenizerSpec, tokenizerOptions } from './tokenizer-spec.ts';

interface Start {
  port: MessagePort;
  params: VectorizerParams;
  tokenizer: TokenizerSpec;
  /** [documents counted, state: 0 counting, 1 done, 2 failed] */
  ctrl: Int32Array;
  /** how many documents will be posted, to reserve room for their counts after the first chunk */
  expected?: number;
}

parentPort?.on('message', ({ port, params, tokenizer, ctrl, expected }: Start) => {
  const counter = new CorpusCounter(params);
  let reserved = false;
  const tokens = new DocTokenizer(tokenizerOptions(tokenizer));
  const fail = () => {
    Atomics.store(ctrl, 1, 2);
    Atomics.notify(ctrl, 1);
    port.close();
  };
  port.on('message', (m: { docs?: RawDoc[] }) => {
    try {
      if (m.docs) {
        for (const d of m.docs) counter.add(tokens.tokenize(d));
        // room for every expected document's entries at once, from what the first chunk took:
        // grown by half again and again, each old array stayed in this thread's memory until its
        // heap was next collected (counting a million packed reports alone: peak 2,429 → 2,356 MiB)
        if (!reserved && expected) counter.reserveFor(expected);
        reserved = true;
        Atomics.add(ctrl, 0, m.docs.length);
        return;
      }
      const s = counter.state();
      const arrays = [s.termA, s.termB, s.termField, s.df, s.rowStart, s.entries];
      port.postMessage(
        s,
        [...arrays, s.metaStart, s.metaEntry].map((a) => a.buffer as ArrayBuffer),
      );
      Atomics.store(ctrl, 1, 1);
      Atomics.notify(ctrl, 1);
      port.close();
    } catch {
      fail();
    }
  });
});
