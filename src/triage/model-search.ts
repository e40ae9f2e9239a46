import type { ScoredAnswer } from '../evaluation/abstention.ts';
import {
  type CandidateScore,
  CODE_TOKENIZER,
  describeCandidate,
  type FitOptions,
  FittedBlend,
  featureBudget,
  fitBlend,
  type ModelSpec,
  type OnProgress,
  PLAIN_TOKENIZER,
  type SelectionMetric,
  selectModel,
  TextClassifier,
  type TextClassifierParams,
  type TextModel,
  type TokenizedDoc,
  type TokenizerSpec,
  withBiases,
  withTemperatures,
} from '../ml/index.ts';
import {
  blendHoldsOnTail,
  blendOf,
  type PoolEntry,
  SELECTION_METRIC,
  stream,
  type TailScores,
  tailScores,
  tailTemperature,
} from './blend-gates.ts';
import { biasesFor, type HeldOut, heldOutAnswers, heldOutOfTails } from './held-out.ts';
import type { Prepared, SentenceVectors } from './report-docs.ts';
import {
  type FieldWeights,
  SMALL_DATA,
  searchVectorizers,
  type TermThresholds,
} from './search-vectorizers.ts';

export type ModelChoice = 'auto' | 'svm' | 'logreg' | 'nb';

export { SMALL_DATA };

/** How the automatic classifier searches: what `evaluate` and `train` both pass. */
export interface SearchOptions {
  model: ModelChoice;
  seed: number;
  metaFields: string[];
  /** the training reports are in filing order: their newest fifth judges blends and calibrates */
  timeOrdered: boolean;
  /** the text fields also as own-group copies (reports lent by other groups) */
  ownCopies: boolean;
  cvFolds?: number;
  selectionSample?: number;
  maxModelWeights?: number;
  sentenceVectors?: SentenceVectors;
  blend?: boolean;
  charNgrams?: [number, number];
  /**
   * also try each vectorizer with character 2-5-grams of the words (unless `charNgrams` fixes
   * them): cross-validation says whether this tracker's misspellings and identifiers pay for them
   */
  charSearch?: boolean;
  /** also try each vectorizer with categorical values at weight 1 (a one-hot column's), kept where they win */
  metaSearch?: boolean;
  /** other weights than the defaults' (a title word 2, a categorical value 0.3): what bench/training-only judges them by */
  weights?: FieldWeights;
  /** other term thresholds than the defaults' (bench/training-only judges them by these) */
  thresholds?: TermThresholds;
  /** threads an SVM fit may use (default 1) */
  threads?: number;
  /** what a blank categorical field is (default: nothing; `feature`: a `<missing>` value, as before 0.1) */
  missing?: 'none' | 'feature';
  /** what "best" means: the task's objective (default SELECTION_METRIC) */
  objective?: SelectionMetric;
  /**
   * correct per-class biases on held-out scores (the newest fifth on a time split, else out of
   * fold), and judge the candidates after that correction
   */
  biasCorrection?: boolean;
  /**
   * on a time split, rows weighted by recency: the oldest training report weighs this much of the
   * newest (recency.ts); off when absent, and on a random split
   */
  recency?: number;
  /**
   * on a time split, the search's folds are consecutive periods of filing time instead of
   * stratified random rows (`blockedFolds`)
   */
  blockedFolds?: boolean;
  /**
   * on a time split of at most the selection sample, also answer the fourth fifth of the training
   * reports by a model of the older three (`olderHeldOut`): a second period of held-out answers
   */
  olderPeriod?: boolean;
  /** put before every progress message ("split 1/3: ") */
  progressPrefix: string;
  onProgress?: OnProgress;
}

/** What the search tried and chose, for the evaluation report. */
export interface SearchReport {
  /** "svm(C=0.3) ngrams 1-2", or a blend's members with their shares */
  model: string;
  temperature: number;
  /** the task's objective the candidates were judged by */
  objective: SelectionMetric;
  /** whether the answers go through per-class biases fitted on held-out reports */
  biasCorrected: boolean;
  candidates: CandidateScore[];
  blend?: { model: string; weight: number }[];
  /** training reports the cross-validation chose the model on */
  nSelection: number;
  selectionSeconds: number;
  fitSeconds: number;
}

/**
 * Whether a task with this objective gets per-class bias correction: the biases are fitted to make
 * held-out labels likely, which moves answers toward the classes' real frequencies: what accuracy
 * asks for, not what macro-F1 does.
 */
export function correctsBiases(objective: SelectionMetric): boolean {
  return objective === 'accuracy' || objective === 'topk';
}

function candidatesFor(choice: ModelChoice, nTrain: number, K: number): ModelSpec[] {
  if (choice === 'svm')
    return [0.1, 0.3, 1].map((C) => ({ kind: 'svm', C, classWeight: 'balanced' }) as const);
  if (choice === 'nb') return [0.1, 0.3, 1].map((alpha) => ({ kind: 'nb', alpha }) as const);
  if (choice === 'logreg')
    return [1, 10].map((C) => ({ kind: 'logreg', C, classWeight: 'balanced' }) as const);
  const specs: ModelSpec[] = [
    { kind: 'svm', C: 0.1, classWeight: 'balanced' },
    { kind: 'svm', C: 0.3, classWeight: 'balanced' },
    { kind: 'svm', C: 1, classWeight: 'balanced' },
    { kind: 'svm', C: 0.3, classWeight: null },
    { kind: 'nb', alpha: 0.3 },
  ];
  // logistic regression's L-BFGS costs n × K per pass: worth trying only on small problems
  if (nTrain * K <= 20_000) specs.push({ kind: 'logreg', C: 10, classWeight: 'balanced' });
  return specs;
}

function describeParams(p: TextClassifierParams): string {
  return `${describeCandidate(p)}${p.tokenizer && !p.tokenizer.splitIdentifiers ? ', plain words' : ''}`;
}

/** "svm(C=0.3) ngrams 1-2", or for a blend each member with its share. */
function describeFitted(f: TextModel): string {
  const members = f.members();
  if (members.length === 1) return describeParams(f.params);
  return `blend of ${members.length}: ${members.map((m) => `${describeParams(m.classifier.params)} (${Math.round(m.weight * 100)}%)`).join(' + ')}`;
}

/**
 * The automatic classifier as an estimator: on the training reports `train` (indices into `data`,
 * in filing order on a time split), cross-validate the candidates (models, vectorizers,
 * tokenizers, sentence vectors), maybe blend the best, fit, and calibrate on the newest fifth.
 * `evaluate` calls it once per split, `train` through the same path.
 */
export function searchModel(
  data: Prepared,
  train: number[],
  opts: SearchOptions,
): {
  model: TextModel;
  searchReport: SearchReport;
  heldOut: ScoredAnswer[] | null;
  /** with `olderPeriod`: the fourth fifth's answers, by a model of the older three fifths */
  olderHeldOut: ScoredAnswer[] | null;
  /** `tail`: the newest fifth of the training reports by a model of the older four fifths */
  heldOutFrom: 'tail' | 'out-of-fold' | null;
} {
  const fitOptions: FitOptions = { threads: opts.threads ?? 1 };
  let selectionSeconds = 0;
  let fitSeconds = 0;
  // past this many training reports, cross-validating every candidate on all of them costs more
  // than it tells: the model is chosen on an evenly spaced sample, then fitted on all of them
  const cap = opts.selectionSample ?? 50_000;
  const whole = train.length <= cap;
  const sample = whole
    ? train
    : Array.from({ length: cap }, (_, j) => train[Math.floor((j * train.length) / cap)]!);
  // tokenising the training reports is part of fitting (scikit-learn's fit times include it)
  const tTok = performance.now();
  const selDocs = sample.map((i) => data.tokens(i, CODE_TOKENIZER));
  const tokenSeconds = new Map([[CODE_TOKENIZER, (performance.now() - tTok) / 1000]]);
  const selY = sample.map((i) => data.labels[i]!);
  const trY = train.map((i) => data.labels[i]!);
  const K = new Set(trY).size;
  const vectorizers = searchVectorizers(opts, featureBudget(K, opts.maxModelWeights), train.length);
  // the rows of every fit below are in filing order on a time split (the search's folds keep it)
  const specs = candidatesFor(opts.model, train.length, K).map((m) =>
    opts.timeOrdered && opts.recency !== undefined ? { ...m, recency: opts.recency } : m,
  );
  const t0 = performance.now();
  const blending = (opts.blend ?? true) && whole && train.length <= SMALL_DATA;
  const objective = opts.objective ?? SELECTION_METRIC;
  const select = (docs: TokenizedDoc[], what: string) =>
    selectModel(docs, selY, specs, {
      threads: opts.threads ?? 1,
      folds: opts.cvFolds ?? 3,
      seed: opts.seed,
      metric: objective,
      biasCorrection: opts.biasCorrection ?? false,
      vectorizers,
      keepScores: blending,
      blockedFolds: opts.timeOrdered && (opts.blockedFolds ?? false),
      onProgress: (c, d, t) => opts.onProgress?.(`${opts.progressPrefix}cross-validating ${c}${what}`, d, t),
    });
  let selection = { ...select(selDocs, ''), tokenizer: CODE_TOKENIZER };
  // every candidate of the search, with its out-of-fold scores: what a blend is chosen from
  const pool: PoolEntry[] = [];
  const addToPool = (r: typeof selection, tokenizer: TokenizerSpec) => {
    r.candidates.forEach((c, i) => {
      pool.push({
        params: { vectorizer: c.vectorizer, model: c.model, seed: opts.seed, tokenizer },
        scores: r.scores![i]!,
      });
    });
  };
  if (blending) addToPool(selection, CODE_TOKENIZER);
  // the tokenizer is part of the search on small data too: prose-heavy trackers prefer plain words
  if (train.length <= SMALL_DATA) {
    const tPlain = performance.now();
    const plainDocs = sample.map((i) => data.tokens(i, PLAIN_TOKENIZER));
    tokenSeconds.set(PLAIN_TOKENIZER, (performance.now() - tPlain) / 1000);
    const plain = select(plainDocs, ', plain words');
    if (blending) addToPool({ ...plain, tokenizer: PLAIN_TOKENIZER }, PLAIN_TOKENIZER);
    plainDocs.length = 0;
    const bestOf = (r: typeof plain) => Math.max(...r.candidates.map((c) => c.score));
    if (bestOf(plain) > bestOf(selection)) {
      selection = {
        ...plain,
        tokenizer: PLAIN_TOKENIZER,
        candidates: [...plain.candidates, ...selection.candidates],
      };
    } else selection = { ...selection, candidates: [...selection.candidates, ...plain.candidates] };
  }
  selectionSeconds += (performance.now() - t0) / 1000;
  opts.onProgress?.(`${opts.progressPrefix}fitting on ${train.length} reports`, 0, 1);
  const chosen = selection.tokenizer;
  // small data keeps its tokens; a large fit makes them as it reads them and lets them go, and the
  // sample's, kept for cross-validation, are let go first: they would only sit beside the fit's
  // counts and matrix at the peak (50,000 reports' tokens: about 0.5 GB)
  if (!whole) {
    data.forget();
    selDocs.length = 0;
  }
  const docsBy = (tokenizer: TokenizerSpec | undefined) => {
    const spec = tokenizer ?? CODE_TOKENIZER;
    return (t: number) => (whole ? data.tokens(train[t]!, spec) : data.fresh(train[t]!, spec));
  };
  const params = { ...selection.best, tokenizer: chosen };
  // a large training set is tokenised and counted once, and its fits (the tail's, the training
  // side's, and the caller's on every report) read the counts: each used to tokenise and count
  // its reports again
  const corpus = whole ? null : data.counted(params, opts.onProgress, opts.threads ?? 1);
  const counted = corpus ? { corpus, rows: train } : undefined;
  // choosing a blend is part of the model search, timed with it
  const tBlend = performance.now();
  let members = blending ? blendOf(pool, trY, opts.seed, objective) : [];
  // on a time split each model's tail (learning from the older four fifths, scored on the newest
  // fifth) judges a blend and then sets the temperatures: computed once per model
  const tails = new Map<string, TailScores | null>();
  const tailOf = (p: TextClassifierParams) => {
    const key = JSON.stringify(p);
    if (!tails.has(key))
      tails.set(key, tailScores(docsBy(p.tokenizer), train.length, trY, p, fitOptions, counted));
    return tails.get(key)!;
  };
  if (opts.timeOrdered && members.length > 1) {
    if (
      !blendHoldsOnTail(
        members,
        tailOf(params),
        members.map((m) => tailOf(m.params)),
        objective,
      )
    )
      members = [];
  }
  selectionSeconds += (performance.now() - tBlend) / 1000;
  // a large fit runs for minutes after the counting: say which part is running
  if (!whole)
    opts.onProgress?.(`${opts.progressPrefix}fitting the chosen model on ${train.length} reports`, 0, 1);
  const t1 = performance.now();
  let fitted =
    members.length > 1
      ? fitBlend(members, (tokenizer) => stream(docsBy(tokenizer), 0, train.length), trY, fitOptions)
      : withTemperatures(
          corpus
            ? corpus.fit(params, train, trY, fitOptions)
            : new TextClassifier(params, fitOptions).fit(stream(docsBy(chosen), 0, train.length), trY),
          [selection.temperature],
        );
  // kept tokens were made (and timed) before the fit; streamed ones are made inside it
  const tokenizers = new Set(fitted.members().map((m) => m.classifier.params.tokenizer ?? CODE_TOKENIZER));
  fitSeconds +=
    (performance.now() - t1) / 1000 +
    (whole ? [...tokenizers].reduce((sum, tk) => sum + (tokenSeconds.get(tk) ?? 0), 0) : 0);
  // measured: ECE 0.140 → 0.109 on HIVE, 0.110 → 0.104 on HDFS, ±0.001 on the list exports;
  // Brier no worse anywhere (bench/RESULTS.md)
  if (opts.timeOrdered) {
    if (!whole)
      opts.onProgress?.(
        `${opts.progressPrefix}calibrating: a model of the older four fifths answers the newest fifth`,
        0,
        1,
      );
    const t2 = performance.now();
    fitted = withTemperatures(
      fitted,
      fitted.members().map(({ classifier: c }) => tailTemperature(tailOf(c.params))),
    );
    selectionSeconds += (performance.now() - t2) / 1000;
  }
  // held-out rows of the training reports: the newest fifth on a time split (as the temperature's),
  // else out of fold; what the bias correction is fitted on and the service threshold is chosen on
  const t3 = performance.now();
  const outOfFold = (): HeldOut | null => {
    const classes = [...new Set(selY)].sort();
    const index = new Map(classes.map((c, k) => [c, k]));
    const codes = Int32Array.from(selY, (c) => index.get(c)!);
    const keyed = new Map(pool.map((e) => [JSON.stringify(e.params), e.scores]));
    const single = fitted.members().length === 1;
    const scores = fitted
      .members()
      .map((m) => (single ? selection.bestScores : keyed.get(JSON.stringify(m.classifier.params))));
    return scores.every((x) => x) ? { classes, codes, scores: scores as Float64Array[] } : null;
  };
  const tailsHeld = opts.timeOrdered
    ? heldOutOfTails(fitted.members().map((m) => tailOf(m.classifier.params)))
    : null;
  const held = tailsHeld ?? outOfFold();
  if (opts.biasCorrection) fitted = withBiases(fitted, biasesFor(fitted, held));
  const heldOut = heldOutAnswers(fitted, held);
  // the same members, temperatures and biases as the newest fifth's answers: only what they learnt from is older
  const older =
    heldOut && tailsHeld && whole && opts.olderPeriod
      ? heldOutOfTails(
          fitted.members().map(({ classifier: c }) =>
            tailScores(docsBy(c.params.tokenizer), train.length, trY, c.params, fitOptions, counted, {
              from: 0.6,
              to: 0.8,
            }),
          ),
        )
      : null;
  const olderHeldOut = heldOutAnswers(fitted, older);
  selectionSeconds += (performance.now() - t3) / 1000;
  return {
    model: fitted,
    heldOut,
    olderHeldOut,
    heldOutFrom: tailsHeld ? 'tail' : held ? 'out-of-fold' : null,
    searchReport: {
      model: describeFitted(fitted),
      temperature: fitted.temperature,
      objective,
      biasCorrected: fitted.biases !== null,
      candidates: selection.candidates,
      ...(fitted instanceof FittedBlend
        ? {
            blend: fitted
              .members()
              .map((m) => ({ model: describeParams(m.classifier.params), weight: m.weight })),
          }
        : {}),
      nSelection: sample.length,
      selectionSeconds,
      fitSeconds,
    },
  };
}
