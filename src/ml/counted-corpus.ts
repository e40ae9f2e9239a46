import type { CorpusCounts } from './corpus-counter.ts';
import type { TextModel } from './fitted-blend.ts';
import { fitModel, fitModelFromRows, fitsFromRows } from './model-kinds.ts';
import { countOnTwoThreads } from './parallel-count.ts';
import type { OnProgress } from './progress.ts';
import type { CsrMatrix } from './sparse.ts';
import { type FitOptions, FittedTextClassifier, type TextClassifierParams } from './text-classifier.ts';
import { CODE_TOKENIZER, type RawDoc, type TokenizerSpec } from './tokenizer-spec.ts';
import { type FittedVectorizer, TfidfVectorizer, type TokenizedDoc } from './vectorizer.ts';

/**
 * A corpus tokenised and counted once, that several fits then read parts of: a large training
 * set's model search fits on the older four fifths (its tail), on the training side, and the
 * served model on every report, and without this each fit tokenised and counted its reports
 * again (a million generated reports: counting and re-vectorising were most of `train`'s time).
 * The counts hold no labels: what each fit may learn is set by the rows it is given.
 */
/** Fewer documents are counted on one thread: starting a worker would cost more than it saves. */
const TWO_THREADS_MIN = 20_000;

export class CountedCorpus {
  /** each fitted vectorizer's map from counted term to column, to read other rows in its columns */
  private readonly remaps = new WeakMap<FittedVectorizer, Int32Array>();
  private readonly vectorizer: TfidfVectorizer;

  private held: CorpusCounts | null;
  readonly size: number;

  private constructor(
    readonly params: TextClassifierParams,
    counts: CorpusCounts,
  ) {
    this.vectorizer = new TfidfVectorizer(params.vectorizer);
    this.held = counts;
    this.size = counts.nDocs;
  }

  /** The counts, unless a last fit let them go. */
  get counts(): CorpusCounts {
    if (!this.held) throw new Error('these counts were let go after their last fit');
    return this.held;
  }

  /**
   * Count `n` documents, tokenised as `params.tokenizer` says, read once in order. With `twoThreads`
   * (the raw documents, which a worker thread tokenises itself) and enough documents, on two threads.
   */
  static count(
    params: TextClassifierParams,
    n: number,
    doc: (i: number) => TokenizedDoc,
    onProgress?: OnProgress,
    twoThreads?: { raw: (i: number) => RawDoc },
  ): CountedCorpus {
    if (twoThreads && n >= TWO_THREADS_MIN && !params.vectorizer.dense) {
      const { counts } = countOnTwoThreads(
        params.vectorizer,
        params.tokenizer ?? CODE_TOKENIZER,
        n,
        twoThreads.raw,
        onProgress,
      );
      return new CountedCorpus(params, counts);
    }
    const docs = function* () {
      for (let i = 0; i < n; i++) {
        if (i % 10_000 === 0) onProgress?.('tokenising and counting the reports once', i, n);
        yield doc(i);
      }
      onProgress?.('tokenising and counting the reports once', n, n);
    };
    return new CountedCorpus(params, new TfidfVectorizer(params.vectorizer).count(docs()));
  }

  /** Whether a classifier of `params` reads text exactly as these counts were made. */
  serves(params: TextClassifierParams): boolean {
    return (
      JSON.stringify(params.vectorizer) === JSON.stringify(this.params.vectorizer) &&
      tokenizerKey(params.tokenizer) === tokenizerKey(this.params.tokenizer)
    );
  }

  /**
   * A classifier of `params` fitted on counted documents `rows` with labels `y` (in that order).
   * With `last`, the counts are let go once the fit's matrix is made, before the model is fitted
   * (a model that fits from rows read one at a time needs no matrix, and reads the counts while
   * it fits: they go after it).
   */
  fit(
    params: TextClassifierParams,
    rows: ArrayLike<number>,
    y: string[],
    options: FitOptions = {},
    last = false,
  ): FittedTextClassifier {
    if (!this.serves(params)) throw new Error('these counts were made with other vectorizer settings');
    const threads = options.threads ?? 1;
    if (fitsFromRows(params.model)) {
      // its rows made as it reads them, from the counts: no matrix of a million rows beside them
      const { vectorizer, source, remap } = this.vectorizer.fitRowSource(this.counts, rows);
      const model = fitModelFromRows(params.model, source, y, params.seed, threads);
      if (last) this.held = null;
      else this.remaps.set(vectorizer, remap);
      return new FittedTextClassifier(params, vectorizer, model, 1);
    }
    const { vectorizer, X, remap } = this.vectorizer.fitRows(this.counts, rows);
    if (last) this.held = null;
    else this.remaps.set(vectorizer, remap);
    const model = fitModel(params.model, X, y, params.seed, threads);
    return new FittedTextClassifier(params, vectorizer, model, 1);
  }

  /** Whether every member of `model` was fitted here, so its rows can be read from the counts. */
  answers(model: TextModel): boolean {
    return model.members().every((m) => this.remaps.has(m.classifier.vectorizer));
  }

  /** Counted documents `rows` in the columns of `vectorizer`, fitted here. */
  matrix(vectorizer: FittedVectorizer, rows: ArrayLike<number>): CsrMatrix {
    const remap = this.remaps.get(vectorizer);
    if (!remap) throw new Error('this vectorizer was not fitted on these counts');
    return this.vectorizer.transformRows(this.counts, rows, vectorizer, remap);
  }

  /** Scores before calibration of counted documents `rows`, by a classifier fitted here. */
  decision(c: FittedTextClassifier, rows: ArrayLike<number>): Float64Array {
    return c.model.decision(this.matrix(c.vectorizer, rows));
  }

  /** Calibrated probabilities of counted documents `rows` (row-major), by a model fitted here. */
  predictProba(model: TextModel, rows: ArrayLike<number>): Float64Array {
    return model.predictProbaOfRows(model.members().map((m) => this.matrix(m.classifier.vectorizer, rows)));
  }
}

function tokenizerKey(spec: TokenizerSpec | undefined): string {
  return JSON.stringify(spec ?? CODE_TOKENIZER);
}
