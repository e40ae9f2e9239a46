// A worker thread of the sentence encoder: encodes the texts it is sent with its own copy of the
// weights, reporting progress, and answers with the vectors.
import { parentPort } from 'node:worker_threads';
import { encodeTexts } from './sentence-encoder.ts';

parentPort?.on('message', (m: { texts: [string, string][] }) => {
  encodeTexts(m.texts, (done) => parentPort!.postMessage({ done })).then(
    (vectors) => parentPort!.postMessage({ vectors }),
    (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }),
  );
});
