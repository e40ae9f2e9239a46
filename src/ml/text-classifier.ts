import { FittedLinearModel } from './linear-model.ts';
import { MemberAnswers } from './member-average.ts';
import { describeModel, fitModel, type ModelSpec } from './model-kinds.ts';
import { countOnTwoThreads } from './parallel-count.ts';

export { describeModel, fitModel, type ModelSpec };

import {
  CODE_TOKENIZER,
  PLAIN_TOKENIZER,
  type RawDoc,
  type TokenizerSpec,
  tokenizeDoc,
  tokenizerOptions,
} from './tokenizer-spec.ts';

export { CODE_TOKENIZER, PLAIN_TOKENIZER, type RawDoc, type TokenizerSpec, tokenizeDoc, tokenizerOptions };

import { FittedVectorizer, TfidfVectorizer, type TokenizedDoc, type VectorizerParams } from './vectorizer.ts';

/**
 * At most this many weights (classes × features) in a model: 128 MiB in single precision. A
 * million generated reports with word bigrams have 2.15 million features, which over 60 classes
 * made a 552 MB model that could not even be written as an artifact (a string past V8's 512 MiB
 * limit), and that every serving process would hold. The budget keeps the most frequent features;
 * every shared data set stays far below it (HIVE: 71,020 features × 58 classes, 4.1 million).
 */
export const MAX_MODEL_WEIGHTS = 2 ** 25;

/** How many features a model of `nClasses` classes may keep within `maxWeights`. */
export function featureBudget(nClasses: number, maxWeights = MAX_MODEL_WEIGHTS): number {
  return Math.max(1, Math.floor(maxWeights / Math.max(2, nClasses)));
}

/** Fewer raw documents are tokenised and counted on one thread: a worker would cost more. */
const TWO_THREAD_DOCS = 2000;

export interface TextClassifierParams {
  vectorizer: VectorizerParams;
  model: ModelSpec;
  seed: number;
  /** absent in artifacts written before it existed: code-aware */
  tokenizer?: TokenizerSpec;
}

export interface RankedLabel {
  label: string;
  probability: number;
}

export interface Explanation {
  label: string;
  probability: number;
  /** the terms and fields that pushed this label up most, with their share of the push */
  because: { feature: string; weight: number }[];
}

/** How a fit runs, not what it learns: never stored with the model. */
export interface FitOptions {
  /** threads an SVM fit may share its problems over, the calling one included (default 1) */
  threads?: number;
}

/**
 * The estimator: hyperparameters in, a fitted classifier out of `fit`, uncalibrated (temperature
 * 1): calibration is its own step (`withTemperatures` in blend.ts).
 */
export class TextClassifier {
  constructor(
    readonly params: TextClassifierParams,
    readonly options: FitOptions = {},
  ) {}

  /**
   * `docs` is read once, in order; `y` only after it (a generator may fill it as it goes). The
   * documents must be tokenised as `params.tokenizer` says: `fitRaw` does that from raw fields.
   */
  fit(docs: Iterable<TokenizedDoc>, y: string[]): FittedTextClassifier {
    const { vectorizer: vec, X } = new TfidfVectorizer(this.params.vectorizer).fitTransform(docs);
    const model = fitModel(this.params.model, X, y, this.params.seed, this.options.threads ?? 1);
    return new FittedTextClassifier(this.params, vec, model, 1);
  }

  /**
   * From raw fields, tokenised here with the classifier's own tokenizer: the one the fitted
   * classifier's `tokenize()` uses to answer, so training and serving cannot read text two ways.
   */
  fitRaw(docs: Iterable<RawDoc & { dense?: Float32Array }>, y: string[]): FittedTextClassifier {
    if ((this.options.threads ?? 1) >= 2 && !this.params.vectorizer.dense) {
      const raws = Array.isArray(docs) ? docs : [...docs];
      // tokenising and counting are half of a fit: on two threads where there is enough to share
      if (raws.length >= TWO_THREAD_DOCS && !raws.some((d) => d.dense)) {
        const { counts } = countOnTwoThreads(
          this.params.vectorizer,
          this.params.tokenizer ?? CODE_TOKENIZER,
          raws.length,
          (i) => raws[i]!,
        );
        const { vectorizer: vec, X } = new TfidfVectorizer(this.params.vectorizer).fitCounts(counts);
        const model = fitModel(this.params.model, X, y, this.params.seed, this.options.threads ?? 1);
        return new FittedTextClassifier(this.params, vec, model, 1);
      }
      docs = raws;
    }
    const options = tokenizerOptions(this.params.tokenizer);
    const tokens = function* () {
      for (const d of docs) {
        const t = tokenizeDoc(d, options);
        yield d.dense ? { ...t, dense: d.dense } : t;
      }
    };
    return this.fit(tokens(), y);
  }
}

export const ARTIFACT_FORMAT = 'eightball/text-classifier';
export const ARTIFACT_VERSION = 1;

/** A fitted classifier and how much its probabilities count in a blend. */
export interface BlendMember {
  classifier: FittedTextClassifier;
  weight: number;
}

/** Only a fitted classifier can predict: there is no unfitted state to forget to check. */
export class FittedTextClassifier extends MemberAnswers {
  private readonly self: readonly BlendMember[];

  constructor(
    readonly params: TextClassifierParams,
    readonly vectorizer: FittedVectorizer,
    readonly model: FittedLinearModel,
    readonly temperature: number,
    biases: Float64Array | null = null,
  ) {
    super(biases);
    this.self = [{ classifier: this, weight: 1 }];
  }

  get classes(): string[] {
    return this.model.classes;
  }

  /** The classifiers whose probabilities make the answer, with their weights: this one alone. */
  members(): readonly BlendMember[] {
    return this.self;
  }

  /** Scores before calibration. */
  decision(docs: TokenizedDoc[]): Float64Array {
    return this.model.decision(this.vectorizer.transform(docs));
  }

  toJSON(): object {
    return {
      format: ARTIFACT_FORMAT,
      version: ARTIFACT_VERSION,
      params: this.params,
      temperature: this.temperature,
      vectorizer: this.vectorizer.toJSON(),
      model: this.model.toJSON(),
      ...(this.biases ? { biases: [...this.biases] } : {}),
    };
  }

  /** One classifier's JSON (a blend's is read by `FittedBlend.fromJSON`). */
  static fromJSON(o: Record<string, unknown>): FittedTextClassifier {
    if (o.format !== ARTIFACT_FORMAT)
      throw new Error(`not an eightball classifier (format ${String(o.format)})`);
    if (o.version !== ARTIFACT_VERSION) {
      throw new Error(
        `classifier artifact version ${String(o.version)} is not supported (this build reads ${ARTIFACT_VERSION})`,
      );
    }
    const model = FittedLinearModel.fromJSON(o.model as Parameters<typeof FittedLinearModel.fromJSON>[0]);
    return new FittedTextClassifier(
      o.params as TextClassifierParams,
      FittedVectorizer.fromJSON(o.vectorizer as Parameters<typeof FittedVectorizer.fromJSON>[0]),
      model,
      o.temperature as number,
      biasesFromJSON(o.biases, model.classes.length),
    );
  }
}

/** Stored biases: absent (artifacts before bias correction) or one finite number per class. */
export function biasesFromJSON(v: unknown, K: number): Float64Array | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length !== K || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new Error(`classifier artifact: biases must be ${K} finite numbers, one per class`);
  return Float64Array.from(v as number[]);
}
