import { stratifiedFolds } from './folds.ts';
import { FittedLinearModel } from './linear-model.ts';
import { LogisticRegression } from './logistic-regression.ts';
import { type CsrMatrix, selectRows } from './sparse.ts';
import { type RawDoc, type TokenizerSpec, tokenizeDoc, tokenizerOptions } from './text-classifier.ts';
import { FittedVectorizer, TfidfVectorizer, type TokenizedDoc, type VectorizerParams } from './vectorizer.ts';

export interface MultilabelParams {
  vectorizer: VectorizerParams;
  tokenizer?: TokenizerSpec;
  /** the logistic regressions' inverse regularisation, one for every label */
  C: number;
}

export interface LabelProbability {
  label: string;
  probability: number;
}

export interface LabelExplanation extends LabelProbability {
  because: { feature: string; weight: number }[];
}

export const MULTILABEL_FORMAT = 'eightball/multilabel-classifier';
const MULTILABEL_VERSION = 1;

const NO = '0';
const YES = '1';

/**
 * Binary relevance: one logistic regression per label, on one shared TF-IDF space. Each label's
 * probability is its own (they need not sum to one): a report can be a crash and a security bug.
 * Logistic regression is fitted on the log loss, so its probabilities start out calibrated, and
 * no class weighting pushes a rare label's up.
 */
export class MultilabelClassifier {
  constructor(readonly params: MultilabelParams) {}

  /** `Y[i]` is document i's labels; a label no document carries cannot be learned and is refused. */
  fit(
    docs: Iterable<TokenizedDoc>,
    Y: readonly (readonly string[])[],
    labels: readonly string[],
  ): FittedMultilabelClassifier {
    const { vectorizer, X } = new TfidfVectorizer(this.params.vectorizer).fitTransform(docs);
    return new FittedMultilabelClassifier(this.params, vectorizer, fitLabels(X, Y, labels, this.params.C));
  }
}

/** Each label's yes/no model on the rows of X. */
export function fitLabels(
  X: CsrMatrix,
  Y: readonly (readonly string[])[],
  labels: readonly string[],
  C: number,
): { label: string; model: FittedLinearModel }[] {
  if (Y.length !== X.nRows) throw new Error(`${Y.length} label sets for ${X.nRows} documents`);
  return labels.map((label) => {
    const y = Y.map((set) => (set.includes(label) ? YES : NO));
    if (!y.includes(YES) || !y.includes(NO))
      throw new Error(`label "${label}": needs documents with it and without it`);
    return { label, model: new LogisticRegression({ C, classWeight: null }).fit(X, y) };
  });
}

/** P(yes) of every row under a binary model fitted on classes [NO, YES]. */
export function yesProbabilities(model: FittedLinearModel, X: CsrMatrix): Float64Array {
  const d = model.decision(X);
  const out = new Float64Array(X.nRows);
  for (let i = 0; i < X.nRows; i++) out[i] = 1 / (1 + Math.exp(d[i * 2]! - d[i * 2 + 1]!));
  return out;
}

export class FittedMultilabelClassifier {
  constructor(
    readonly params: MultilabelParams,
    readonly vectorizer: FittedVectorizer,
    readonly members: { label: string; model: FittedLinearModel }[],
  ) {
    for (const m of members)
      if (m.model.classes.join() !== `${NO},${YES}`)
        throw new Error(`label "${m.label}": not a yes/no model`);
  }

  get labels(): string[] {
    return this.members.map((m) => m.label);
  }

  /**
   * Tokenise a raw document the way this classifier was trained, keeping its text (by reference):
   * a service tokenises a report once per tokenizer for every task, and a blend of another task
   * re-reads the text with its other members' tokenizers.
   */
  tokenize(doc: RawDoc): TokenizedDoc {
    return { ...tokenizeDoc(doc, tokenizerOptions(this.params.tokenizer)), source: { text: doc.text } };
  }

  /** Row-major n × L: each document's probability of each label (in the order of `labels`). */
  predictProba(docs: TokenizedDoc[]): Float64Array {
    const X = this.vectorizer.transform(docs);
    const L = this.members.length;
    const out = new Float64Array(docs.length * L);
    this.members.forEach((m, l) => {
      const p = yesProbabilities(m.model, X);
      for (let i = 0; i < docs.length; i++) out[i * L + l] = p[i]!;
    });
    return out;
  }

  /** Every label with its probability, most probable first, and the terms that pushed it up. */
  analyze(doc: TokenizedDoc, topTerms = 8): LabelExplanation[] {
    const X = this.vectorizer.transform([doc]);
    return this.members
      .map((m) => {
        const probability = yesProbabilities(m.model, X)[0]!;
        const w = m.model.weights;
        const push: { feature: number; value: number }[] = [];
        for (let p = X.indptr[0]!; p < X.indptr[1]!; p++) {
          const j = X.indices[p]!;
          if (j >= m.model.nFeatures) continue;
          // what moves P(yes) is the gap between the two rows of weights
          const v = X.data[p]! * (w[j * 2 + 1]! - w[j * 2]!);
          if (v > 0) push.push({ feature: j, value: v });
        }
        push.sort((a, b) => b.value - a.value);
        const top = push.slice(0, topTerms);
        const sum = top.reduce((s, t) => s + t.value, 0) || 1;
        return {
          label: m.label,
          probability,
          because: top.map((t) => ({ feature: this.vectorizer.terms[t.feature]!, weight: t.value / sum })),
        };
      })
      .sort((a, b) => b.probability - a.probability || (a.label < b.label ? -1 : 1));
  }

  toJSON(): object {
    return {
      format: MULTILABEL_FORMAT,
      version: MULTILABEL_VERSION,
      params: this.params,
      vectorizer: this.vectorizer.toJSON(),
      members: this.members.map((m) => ({ label: m.label, model: m.model.toJSON() })),
    };
  }

  static fromJSON(o: Record<string, unknown>): FittedMultilabelClassifier {
    if (o.format !== MULTILABEL_FORMAT)
      throw new Error(`not a multi-label classifier (format ${String(o.format)})`);
    if (o.version !== MULTILABEL_VERSION)
      throw new Error(
        `multi-label artifact version ${String(o.version)} is not supported (this build reads ${MULTILABEL_VERSION})`,
      );
    const members = o.members as { label: string; model: Parameters<typeof FittedLinearModel.fromJSON>[0] }[];
    return new FittedMultilabelClassifier(
      o.params as MultilabelParams,
      FittedVectorizer.fromJSON(o.vectorizer as Parameters<typeof FittedVectorizer.fromJSON>[0]),
      members.map((m) => ({ label: m.label, model: FittedLinearModel.fromJSON(m.model) })),
    );
  }
}

/** The inverse regularisations the multi-label search tries. */
export const MULTILABEL_C_GRID = [0.3, 1, 3, 10] as const;

/**
 * The C of the lowest mean log loss over labels and `folds` random folds of X's rows: log loss,
 * not F1, because what the product serves is each label's probability.
 */
export function chooseMultilabelC(
  X: CsrMatrix,
  Y: readonly (readonly string[])[],
  labels: readonly string[],
  opts: { folds?: number; seed: number; grid?: readonly number[] },
): { C: number; logLoss: Record<string, number> } {
  const k = opts.folds ?? 3;
  const grid = opts.grid ?? MULTILABEL_C_GRID;
  const fold = stratifiedFolds(
    Y.map((s) => (s.length === 0 ? '' : [...s].sort().join('\u0000'))),
    k,
    opts.seed,
  );
  const loss: Record<string, number> = {};
  for (const C of grid) {
    let total = 0;
    let count = 0;
    for (let f = 0; f < k; f++) {
      const trainRows: number[] = [];
      const testRows: number[] = [];
      for (let i = 0; i < X.nRows; i++) (fold[i] === f ? testRows : trainRows).push(i);
      const trY = trainRows.map((i) => Y[i]!);
      // a fold without a label's yes (or no) cannot fit it: that label sits the fold out
      const fit = labels.filter((l) => trY.some((s) => s.includes(l)) && trY.some((s) => !s.includes(l)));
      if (fit.length === 0 || testRows.length === 0) continue;
      const Xte = selectRows(X, testRows);
      for (const { label, model } of fitLabels(selectRows(X, trainRows), trY, fit, C)) {
        const p = yesProbabilities(model, Xte);
        testRows.forEach((i, t) => {
          const q = Math.min(1 - 1e-12, Math.max(1e-12, p[t]!));
          total -= Y[i]!.includes(label) ? Math.log(q) : Math.log(1 - q);
          count++;
        });
      }
    }
    loss[String(C)] = count > 0 ? total / count : Number.POSITIVE_INFINITY;
  }
  const best = grid.reduce((a, b) => (loss[String(b)]! < loss[String(a)]! ? b : a));
  return { C: best, logLoss: loss };
}
