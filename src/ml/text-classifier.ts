import { softmaxRows } from './calibration.ts';
import { ComplementNb } from './complement-nb.ts';
import { FittedLinearModel } from './linear-model.ts';
import { LinearSvm } from './linear-svm.ts';
import { LogisticRegression } from './logistic-regression.ts';
import type { CsrMatrix } from './sparse.ts';
import { type TokenizerOptions, tokenize } from './tokenizer.ts';
import { FittedVectorizer, TfidfVectorizer, type TokenizedDoc, type VectorizerParams } from './vectorizer.ts';

export type ModelSpec =
  /** maxIter: passes over the data per class (default 200, with LIBLINEAR's stopping rule first) */
  | { kind: 'svm'; C: number; classWeight: 'balanced' | null; maxIter?: number }
  | { kind: 'logreg'; C: number; classWeight: 'balanced' | null }
  | { kind: 'nb'; alpha: number };

/** How text becomes tokens, in a form an artifact can carry. */
export interface TokenizerSpec {
  /** drop English function words */
  stopWords: boolean;
  /** split camelCase/snake_case identifiers (keeping the whole too) */
  splitIdentifiers: boolean;
  /** cue tokens for a question mark and a code block (absent in older artifacts: none) */
  cues?: boolean;
  /** leave out the contents of fenced code blocks (absent in older artifacts: kept) */
  skipFencedCode?: boolean;
}

/** Code-aware: what suits trackers full of class names, paths and stack traces. */
export const CODE_TOKENIZER: TokenizerSpec = { stopWords: true, splitIdentifiers: true };
/** Plain words: better on prose-heavy reports (measured on NLBSE'24 GitHub issues). */
export const PLAIN_TOKENIZER: TokenizerSpec = {
  stopWords: false,
  splitIdentifiers: false,
  cues: true,
  skipFencedCode: true,
};

export function tokenizerOptions(spec: TokenizerSpec = CODE_TOKENIZER): TokenizerOptions {
  return {
    splitIdentifiers: spec.splitIdentifiers,
    cues: spec.cues ?? false,
    skipFencedCode: spec.skipFencedCode ?? false,
    ...(spec.stopWords ? {} : { stopWords: new Set<string>() }),
  };
}

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

export interface TextClassifierParams {
  vectorizer: VectorizerParams;
  model: ModelSpec;
  seed: number;
  /** absent in artifacts written before it existed: code-aware */
  tokenizer?: TokenizerSpec;
}

/** A document before tokenising: text per field and categorical values per field. */
export interface RawDoc {
  text: Record<string, string>;
  meta: Record<string, string[]>;
}

export function tokenizeDoc(doc: RawDoc, opts: TokenizerOptions = {}): TokenizedDoc {
  const text: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(doc.text)) text[k] = tokenize(v, opts);
  return { text, meta: doc.meta };
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

export function describeModel(m: ModelSpec): string {
  return m.kind === 'nb' ? `nb(alpha=${m.alpha})` : `${m.kind}(C=${m.C}${m.classWeight ? ',balanced' : ''})`;
}

/** A model of the given kind fitted on one matrix (model selection fits many). */
export function fitModel(
  spec: ModelSpec,
  X: Parameters<LinearSvm['fit']>[0],
  y: string[],
  seed: number,
  threads = 1,
): FittedLinearModel {
  if (spec.kind === 'svm') {
    return new LinearSvm({
      C: spec.C,
      classWeight: spec.classWeight,
      seed,
      threads,
      ...(spec.maxIter ? { maxIter: spec.maxIter } : {}),
    }).fit(X, y);
  }
  if (spec.kind === 'logreg')
    return new LogisticRegression({ C: spec.C, classWeight: spec.classWeight }).fit(X, y);
  return new ComplementNb({ alpha: spec.alpha }).fit(X, y);
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

/** Only a fitted classifier can predict: there is no unfitted state to forget to check. */
/** A fitted classifier and how much its probabilities count in a blend. */
export interface BlendMember {
  classifier: FittedTextClassifier;
  weight: number;
}

/**
 * Other classifiers whose calibrated probabilities are averaged with this one's (each fitted on
 * the same reports, with its own vectorizer, model, tokenizer and temperature): chosen from the
 * model search's out-of-fold scores by `selectEnsemble`.
 */
export interface Blend {
  /** this classifier's own weight */
  weight: number;
  partners: BlendMember[];
}

function tokenizerKey(spec: TokenizerSpec | undefined): string {
  const t = spec ?? CODE_TOKENIZER;
  return `${t.stopWords}/${t.splitIdentifiers}/${t.cues ?? false}/${t.skipFencedCode ?? false}`;
}

export class FittedTextClassifier {
  private memberList: readonly BlendMember[] | undefined;

  constructor(
    readonly params: TextClassifierParams,
    readonly vectorizer: FittedVectorizer,
    readonly model: FittedLinearModel,
    readonly temperature: number,
    readonly blend: Blend | null = null,
  ) {
    for (const p of blend?.partners ?? []) {
      if (p.classifier.blend) throw new Error('a blend partner cannot be a blend itself');
      if (p.classifier.classes.join('\u0000') !== this.classes.join('\u0000'))
        throw new Error('blend partners must have the same classes in the same order');
      if (!(p.weight > 0)) throw new Error(`blend weight must be positive (got ${p.weight})`);
    }
  }

  get classes(): string[] {
    return this.model.classes;
  }

  /** Every classifier whose probabilities make the answer, with its weight (this one alone: 1). */
  members(): readonly BlendMember[] {
    this.memberList ??= this.blend
      ? [
          {
            classifier: new FittedTextClassifier(this.params, this.vectorizer, this.model, this.temperature),
            weight: this.blend.weight,
          },
          ...this.blend.partners,
        ]
      : [{ classifier: this, weight: 1 }];
    return this.memberList;
  }

  /** The sentence encoder whose vectors a document needs (any member's), if any. */
  get denseEncoder(): string | undefined {
    for (const m of this.members()) {
      const dense = m.classifier.params.vectorizer.dense;
      if (dense) return dense.encoder;
    }
    return undefined;
  }

  /** Tokenise a raw document the way this classifier was trained (keeping the text for partners). */
  tokenize(doc: RawDoc): TokenizedDoc {
    // the text is kept by reference (no copy), so a blend met later can re-read it
    return { ...tokenizeDoc(doc, tokenizerOptions(this.params.tokenizer)), source: { text: doc.text } };
  }

  /** A member's view of documents tokenised by this classifier's tokenizer. */
  private docsFor(member: FittedTextClassifier, docs: TokenizedDoc[]): TokenizedDoc[] {
    if (tokenizerKey(member.params.tokenizer) === tokenizerKey(this.params.tokenizer)) return docs;
    return docs.map((d) => {
      if (!d.source)
        throw new Error('this blend tokenises in two ways: documents must come from its tokenize()');
      const t = tokenizeDoc({ text: d.source.text, meta: d.meta }, tokenizerOptions(member.params.tokenizer));
      return d.dense ? { ...t, dense: d.dense } : t;
    });
  }

  /** This classifier's own scores (a blend's first member's), before calibration. */
  decision(docs: TokenizedDoc[]): Float64Array {
    return this.model.decision(this.vectorizer.transform(docs));
  }

  /** Calibrated probabilities, row-major n × K in the order of `classes` (a blend's average). */
  predictProba(docs: TokenizedDoc[]): Float64Array {
    return this.average(this.vectorized(docs));
  }

  /** Each member with the documents in its own columns. */
  private vectorized(docs: TokenizedDoc[]): { c: FittedTextClassifier; weight: number; X: CsrMatrix }[] {
    return this.members().map(({ classifier: c, weight }) => ({
      c,
      weight,
      X: c.vectorizer.transform(this.docsFor(c, docs)),
    }));
  }

  /** The members' calibrated probabilities, weighted: one member's own, unchanged. */
  private average(parts: { c: FittedTextClassifier; weight: number; X: CsrMatrix }[]): Float64Array {
    const K = this.classes.length;
    if (parts.length === 1)
      return softmaxRows(parts[0]!.c.model.decision(parts[0]!.X), K, parts[0]!.c.temperature);
    const out = new Float64Array(parts[0]!.X.nRows * K);
    let total = 0;
    for (const { c, weight, X } of parts) {
      const p = softmaxRows(c.model.decision(X), K, c.temperature);
      for (let j = 0; j < out.length; j++) out[j]! += weight * p[j]!;
      total += weight;
    }
    for (let j = 0; j < out.length; j++) out[j]! /= total;
    return out;
  }

  /** Every label, most probable first. */
  predict(doc: TokenizedDoc): RankedLabel[] {
    return this.rank(this.predictProba([doc]));
  }

  private rank(p: Float64Array): RankedLabel[] {
    return this.classes
      .map((label, k) => ({ label, probability: p[k]! }))
      .sort((a, b) => b.probability - a.probability || (a.label < b.label ? -1 : 1));
  }

  /** The terms and fields behind each of the top labels. */
  explain(doc: TokenizedDoc, topLabels = 3, topTerms = 8): Explanation[] {
    return this.analyze(doc, topLabels, topTerms).explanation;
  }

  /**
   * Ranking and explanation from one pass over the document: what a service answering one report
   * at a time wants (vectorising twice would double the cost). In a blend, each member's pushes
   * count by its weight and in its calibrated units (score / temperature), and the same term
   * pushed by two members counts once, summed.
   */
  analyze(
    doc: TokenizedDoc,
    topLabels = 3,
    topTerms = 8,
  ): { ranking: RankedLabel[]; explanation: Explanation[] } {
    const rows = this.vectorized([doc]);
    const total = rows.reduce((sum, r) => sum + r.weight, 0);
    const ranking = this.rank(this.average(rows));
    const explanation = ranking.slice(0, topLabels).map((r) => {
      const k = this.classes.indexOf(r.label);
      const push = new Map<string, number>();
      for (const { c, weight, X } of rows) {
        const scale = weight / total / c.temperature;
        const dense = c.vectorizer.params.dense;
        const denseStart = c.vectorizer.denseStart;
        // the dense columns are left out here: a sentence encoder's numbers mean nothing one by
        // one, so they push as one, net of the ones that pull the other way
        for (const t of c.model.contributions(X, 0, k, topTerms, dense ? denseStart : undefined)) {
          const name = c.vectorizer.terms[t.feature]!;
          push.set(name, (push.get(name) ?? 0) + t.value * scale);
        }
        if (dense) {
          const net = c.model.contributionOf(X, 0, k, denseStart, denseStart + dense.dims);
          const name = `(the report's meaning, ${dense.encoder})`;
          if (net > 0) push.set(name, (push.get(name) ?? 0) + net * scale);
        }
      }
      const because = [...push]
        .map(([feature, value]) => ({ feature, value }))
        .filter((c) => c.value > 0)
        .sort((a, b) => b.value - a.value || (a.feature < b.feature ? -1 : 1))
        .slice(0, topTerms);
      const sum = because.reduce((s, c) => s + c.value, 0) || 1;
      return {
        label: r.label,
        probability: r.probability,
        because: because.map((c) => ({ feature: c.feature, weight: c.value / sum })),
      };
    });
    return { ranking, explanation };
  }

  toJSON(): object {
    return {
      format: ARTIFACT_FORMAT,
      version: ARTIFACT_VERSION,
      params: this.params,
      temperature: this.temperature,
      vectorizer: this.vectorizer.toJSON(),
      model: this.model.toJSON(),
      ...(this.blend
        ? {
            blend: {
              weight: this.blend.weight,
              partners: this.blend.partners.map((p) => ({
                weight: p.weight,
                classifier: p.classifier.toJSON(),
              })),
            },
          }
        : {}),
    };
  }

  static fromJSON(o: Record<string, unknown>): FittedTextClassifier {
    if (o.format !== ARTIFACT_FORMAT)
      throw new Error(`not an eightball classifier (format ${String(o.format)})`);
    if (o.version !== ARTIFACT_VERSION) {
      throw new Error(
        `classifier artifact version ${String(o.version)} is not supported (this build reads ${ARTIFACT_VERSION})`,
      );
    }
    const b = o.blend as
      | { weight: number; partners: { weight: number; classifier: Record<string, unknown> }[] }
      | undefined;
    return new FittedTextClassifier(
      o.params as TextClassifierParams,
      FittedVectorizer.fromJSON(o.vectorizer as Parameters<typeof FittedVectorizer.fromJSON>[0]),
      FittedLinearModel.fromJSON(o.model as Parameters<typeof FittedLinearModel.fromJSON>[0]),
      o.temperature as number,
      b
        ? {
            weight: b.weight,
            partners: b.partners.map((p) => ({
              weight: p.weight,
              classifier: FittedTextClassifier.fromJSON(p.classifier),
            })),
          }
        : null,
    );
  }
}
