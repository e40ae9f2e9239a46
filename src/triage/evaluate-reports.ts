import type { BugReport } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import type { ScoredAnswer } from '../evaluation/abstention.ts';
import { type ClassificationMetrics, classificationMetrics } from '../evaluation/metrics.ts';
import { kFoldSplits, stratifiedSplit, type TrainTest, timeSplit } from '../evaluation/splits.ts';
import {
  argmaxRows,
  type BlendSpec,
  type CandidateScore,
  CODE_TOKENIZER,
  compareBlendHeldOut,
  cvMetrics,
  DEFAULT_VECTORIZER,
  describeCandidate,
  type FittedTextClassifier,
  featureBudget,
  fitBlend,
  fitTemperature,
  type ModelSpec,
  type OnProgress,
  PLAIN_TOKENIZER,
  type RawDoc,
  selectEnsemble,
  selectionScore,
  selectModel,
  softmaxRows,
  TextClassifier,
  type TextClassifierParams,
  type TokenizedDoc,
  type TokenizerSpec,
  tokenizeDoc,
  tokenizerOptions,
  withTemperatures,
} from '../ml/index.ts';
import { defaultMetaFields, docOf, labelOf, META_FIELDS } from './dataset.ts';
import { combineGroups } from './grouped-results.ts';

export type SplitSpec =
  | { kind: 'time' }
  | { kind: 'random' }
  | { kind: 'kfold'; k: number }
  | { kind: 'file' };
export type ModelChoice = 'auto' | 'svm' | 'logreg' | 'nb';

export interface SentenceVectors {
  encoder: string;
  dims: number;
  of: (r: BugReport) => Float32Array | undefined;
}

/**
 * How much the sentence vectors weigh beside the text block (norm 1): chosen by 5-fold
 * cross-validation on NLBSE'24's training issues, each repository's own, in a scikit-learn
 * experiment (logistic regression on word 1-2-gram TF-IDF plus the vectors; mean macro-F1 with
 * weight 0.2: 0.760, 0.3: 0.764, 0.5: 0.760, without: 0.743)
 */
const SENTENCE_WEIGHT = 0.3;

/**
 * Training reports up to which data counts as small: the model search also tries n-gram ranges
 * and tokenizers, and its candidates may be blended (the pool is varied then; every member is
 * fitted and asked, so a blend costs its members' fits and predictions together).
 */
export const SMALL_DATA = 5000;
/** picks (with replacement) in a blend: weights in steps of a tenth */
const BLEND_PICKS = 10;
/** different models in a blend at most: each is fitted, stored and asked for every answer */
const BLEND_MEMBERS = 3;
/** random halvings of the out-of-fold rows on which a blend must beat the best model alone */
const BLEND_HALVINGS = 3;
/** what "best" means in the model search: accuracy and macro-F1 alike, common and rare classes */
const SELECTION_METRIC = 'mean';

export interface EvaluateOptions {
  label: string;
  textFields?: string[];
  metaFields?: string[];
  split: SplitSpec;
  /** with split `file`: the test reports */
  testReports?: BugReport[];
  groupBy?: string;
  /**
   * with `groupBy`: each group's model also learns from the other groups' training reports (the
   * group becomes a feature), and is still tested on its own group only
   */
  poolGroups?: boolean;
  /**
   * with lent reports (`poolGroups`, `extraTrain`): each text field also as a copy that only the
   * group's own reports fill, so the model learns what words mean in this group on top of what
   * they mean everywhere (default true; see rawDocOf)
   */
  ownCopies?: boolean;
  /**
   * reports added to the training side of every split and never tested (what `poolGroups` lends a
   * group); with the time split only those filed before the split's oldest test report
   */
  extraTrain?: BugReport[];
  model: ModelChoice;
  seed: number;
  /** classes with fewer training reports than this are dropped from train and test */
  minClassSize?: number;
  cvFolds?: number;
  /**
   * training reports above which the model is chosen by cross-validating an evenly spaced sample
   * of this many of them (default 50,000), and the chosen model is then fitted on all of them from
   * a stream of tokens that are not kept
   */
  selectionSample?: number;
  /** at most this many weights (classes × features) in a model (default MAX_MODEL_WEIGHTS) */
  maxModelWeights?: number;
  /** `FROM=TO` merges of label values; `*` stands for every value not named */
  labelMap?: Record<string, string>;
  /**
   * a pretrained sentence encoder's vector of every report (train and test), made beforehand: the
   * model search then also tries each vectorizer with these vectors as extra columns
   */
  sentenceVectors?: SentenceVectors;
  /**
   * on small data (up to SMALL_DATA training reports), answer with a blend of the search's
   * candidates chosen on their out-of-fold probabilities (default true); false: the best one alone
   */
  blend?: boolean;
  /** character n-grams of the words (like scikit-learn's char_wb), in addition to word n-grams */
  charNgrams?: [number, number];
  /** sees each split's texts and labels: lets a benchmark run another library on the same split */
  onSplit?: (train: { text: string; label: string }[], test: { text: string; label: string }[]) => void;
  onProgress?: OnProgress;
  /** keep the (last split's) fitted classifier and its answers on the test reports */
  keepModel?: boolean;
}

export interface EvaluationSummary {
  accuracy: number;
  macroF1: number;
  microF1: number;
  weightedF1: number;
  top3: number | null;
  auc: number | null;
  brier: number;
  ece: number;
  nTrain: number;
  nTest: number;
  classes: number;
  fitSeconds: number;
  selectionSeconds: number;
  predictMsPerReport: number;
  predictMsP99: number;
}

export interface EvaluationResult extends EvaluationSummary {
  label: string;
  split: string;
  model: string;
  temperature: number;
  candidates: CandidateScore[];
  /** the blend answering (last split), when one did: each member and its share of the average */
  blend?: { model: string; weight: number }[];
  /** training reports the cross-validation chose the model on (all of them, up to `selectionSample`) */
  nSelection: number;
  droppedClasses: { label: string; trainCount: number }[];
  droppedReports: { train: number; test: number; unlabelled: number };
  perClass: ClassificationMetrics['perClass'];
  metrics: ClassificationMetrics;
  groups?: (EvaluationResult & { group: string })[];
  /** with `groupBy`: the groups that could not be evaluated (too few reports or classes), and why */
  skippedGroups?: { group: string; reason: string }[];
  /** with `keepModel`: the fitted classifier of the last split */
  fitted?: FittedTextClassifier;
  /** with `keepModel`: every test report's top probability and whether the top label was right */
  validation?: ScoredAnswer[];
  /** with `keepModel`: the last split's test reports, their labels and this model's answers */
  window?: { reports: BugReport[]; labels: string[]; predicted: string[] };
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

/** A model of the oldest four fifths of the training reports, scored on the newest fifth. */
interface TailScores {
  /** classes (as the head model's sorted classes) of the tail rows it knows */
  codes: Int32Array;
  /** row-major rows × K decision scores */
  scores: Float64Array;
  K: number;
}

/**
 * How a model does on reports newer than those it learned from: fitted on the oldest four fifths
 * of the (time-ordered) training reports, scored on the newest fifth. Null when the tail is too
 * small or has no class the head knows. Every model of one training set sees the same head
 * classes, so their tails line up row by row.
 */
function tailScores(
  doc: (t: number) => TokenizedDoc,
  n: number,
  y: string[],
  params: TextClassifierParams,
): TailScores | null {
  const cut = Math.floor(n * 0.8);
  if (n - cut < 50 || new Set(y.slice(0, cut)).size < 2) return null;
  const head = new TextClassifier(params).fit(stream(doc, 0, cut), y.slice(0, cut));
  const index = new Map(head.classes.map((c, k) => [c, k]));
  const rows: number[] = [];
  for (let t = cut; t < n; t++) if (index.has(y[t]!)) rows.push(t);
  if (rows.length < 50) return null;
  const K = head.classes.length;
  const scores = new Float64Array(rows.length * K);
  // scored a chunk at a time, so a large tail is never held as tokens
  for (let r = 0; r < rows.length; r += 1000) {
    const chunk = rows.slice(r, r + 1000);
    scores.set(head.decision(chunk.map(doc)), r * K);
  }
  return { codes: Int32Array.from(rows, (t) => index.get(y[t]!)!), scores, K };
}

/**
 * The temperature that calibrates a model on reports newer than those it learned from (its tail
 * scores). Random cross-validation folds mix old and new and so miss the drift every tracker has
 * (components renamed, new features, new words), which leaves time-split probabilities overconfident.
 */
function tailTemperature(tail: TailScores | null): number | null {
  return tail ? fitTemperature(tail.scores, tail.K, tail.codes) : null;
}

/**
 * On a time split, whether a blend chosen on random out-of-fold rows still beats the single best
 * model on the newest fifth of the training reports, each learning from the older four fifths.
 * Random folds mix old and new reports, and what a blend gains there it can lose on newer ones:
 * without this check HDFS and YARN blended and lost 7.3 and 3.5 points of macro-F1 on their
 * training data alone (bench/RESULTS.md, "Blends"). Unknown (tail too small): the blend stands.
 */
function blendHoldsOnTail(
  members: BlendSpec[],
  single: TailScores | null,
  tails: (TailScores | null)[],
): boolean {
  if (!single || tails.some((t) => !t)) return true;
  const K = single.K;
  const blended = new Float64Array(single.scores.length);
  members.forEach((m, i) => {
    const p = softmaxRows(tails[i]!.scores, K, m.temperature);
    for (let j = 0; j < blended.length; j++) blended[j]! += m.weight * p[j]!;
  });
  const score = (scores: Float64Array) =>
    selectionScore(cvMetrics(argmaxRows(scores, K), single.codes, K), SELECTION_METRIC);
  return score(blended) > score(single.scores);
}

interface PoolEntry {
  params: TextClassifierParams;
  /** out-of-fold decision scores, n × K (classes sorted) */
  scores: Float64Array;
}

/**
 * A blend from the model search's pool: the members the out-of-fold probabilities pick, or none
 * unless the blend, chosen on one half of the out-of-fold rows, beats the best candidate alone,
 * chosen on the same half, on the other half (the search's metric; a few halvings, both ways).
 * The picks optimise likelihood, which a smoother average can win while its top answers get worse,
 * and the answer that ranks first is what most users read. The first gate compared the blend with
 * the best candidate on the rows both were chosen on, which flatters the candidate (the best of
 * dozens of noisy scores): on NLBSE'24's training issues (5-fold, each repository's own) blends
 * then scored 0.740 macro-F1, 0.745 with this one; time splits are checked again on their newest
 * reports (blendHoldsOnTail). bench/RESULTS.md, "Blends".
 */
function blendOf(pool: PoolEntry[], y: string[], seed: number): BlendSpec[] {
  if (pool.length < 2) return [];
  const classes = [...new Set(y)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const codes = Int32Array.from(y, (c) => index.get(c)!);
  const K = classes.length;
  const scores = pool.map((p) => p.scores);
  const choice = selectEnsemble(scores, codes, K, BLEND_PICKS, BLEND_MEMBERS);
  const picks = choice.counts.reduce((a, b) => a + b, 0);
  if (choice.counts.filter((n) => n > 0).length < 2) return [];
  const { gain } = compareBlendHeldOut(
    scores,
    codes,
    K,
    (pred, truth) => selectionScore(cvMetrics(pred, truth, K), SELECTION_METRIC),
    { repeats: BLEND_HALVINGS, seed, maxSize: BLEND_PICKS, maxMembers: BLEND_MEMBERS },
  );
  if (!(gain > 0)) return [];
  return choice.counts.flatMap((n, c) =>
    n > 0 ? [{ params: pool[c]!.params, weight: n / picks, temperature: choice.temperatures[c]! }] : [],
  );
}

function describeParams(p: TextClassifierParams): string {
  return `${describeCandidate(p)}${p.tokenizer && !p.tokenizer.splitIdentifiers ? ', plain words' : ''}`;
}

/** "svm(C=0.3) ngrams 1-2", or for a blend each member with its share. */
function describeFitted(f: FittedTextClassifier): string {
  const members = f.members();
  if (members.length === 1) return describeParams(f.params);
  return `blend of ${members.length}: ${members.map((m) => `${describeParams(m.classifier.params)} (${Math.round(m.weight * 100)}%)`).join(' + ')}`;
}

/** Documents `from` .. `to - 1`, made one at a time as a fit reads them. */
function* stream(doc: (t: number) => TokenizedDoc, from: number, to: number): Generator<TokenizedDoc> {
  for (let t = from; t < to; t++) yield doc(t);
}

function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

interface Prepared {
  /** report i tokenised the given way; computed on first use, since test reports are tokenised at
   * prediction time and plain-word tokens are only wanted on small data */
  tokens: (i: number, spec: TokenizerSpec) => TokenizedDoc;
  /** the same, without keeping it (unless it was already kept): for streaming a large fit */
  fresh: (i: number, spec: TokenizerSpec) => TokenizedDoc;
  /** let go of every kept token list */
  forget: () => void;
  labels: string[];
  reports: BugReport[];
}

function withSentenceVector(doc: TokenizedDoc, r: BugReport, sv: SentenceVectors | undefined): TokenizedDoc {
  if (!sv) return doc;
  const dense = sv.of(r);
  if (!dense) throw new Error(`report ${r.externalId} has no ${sv.encoder} vector`);
  return { ...doc, dense };
}

/** The text fields' copies that only a group's own reports fill (see `ownCopies`). */
const OWN = 'own·';

/**
 * A report's raw document; with `copies`, each text field also as `own·FIELD`, filled for the
 * group's own reports and empty for lent ones ("frustratingly easy" domain adaptation, Daumé
 * 2007): a pooled model then learns what all groups' words share, and on top what they mean in
 * this group.
 */
function rawDocOf(
  r: BugReport,
  textFields: string[],
  metaFields: string[],
  copies: 'own' | 'lent' | undefined,
): RawDoc {
  const raw = docOf(r, textFields, metaFields);
  if (copies) for (const f of textFields) raw.text[OWN + f] = copies === 'own' ? raw.text[f]! : '';
  return raw;
}

function prepare(
  reports: BugReport[],
  opts: EvaluateOptions,
  textFields: string[],
  metaFields: string[],
  copies?: 'own' | 'lent',
): Prepared & { unlabelled: number } {
  const kept: BugReport[] = [];
  const labels: string[] = [];
  let unlabelled = 0;
  for (const r of reports) {
    const raw = labelOf(r, opts.label);
    const l = raw === null || !opts.labelMap ? raw : (opts.labelMap[raw] ?? opts.labelMap['*'] ?? raw);
    if (l === null) {
      unlabelled++;
      continue;
    }
    kept.push(r);
    labels.push(l);
  }
  const cache = new Map<TokenizerSpec, TokenizedDoc[]>();
  const make = (i: number, spec: TokenizerSpec): TokenizedDoc =>
    withSentenceVector(
      tokenizeDoc(rawDocOf(kept[i]!, textFields, metaFields, copies), tokenizerOptions(spec)),
      kept[i]!,
      opts.sentenceVectors,
    );
  const tokens = (i: number, spec: TokenizerSpec): TokenizedDoc => {
    let docs = cache.get(spec);
    if (!docs) {
      docs = new Array<TokenizedDoc>(kept.length);
      cache.set(spec, docs);
    }
    docs[i] ??= make(i, spec);
    return docs[i]!;
  };
  const fresh = (i: number, spec: TokenizerSpec): TokenizedDoc => cache.get(spec)?.[i] ?? make(i, spec);
  return { reports: kept, labels, tokens, fresh, forget: () => cache.clear(), unlabelled };
}

/**
 * Appends `opts.extraTrain` to `data` (its own reports keep their indices, so test indices stay
 * valid) and to the training side of every split. A time split only borrows reports filed before
 * its oldest test report, and none when the test reports' filing times are unknown: the model must
 * not learn from the future it is tested on, whichever group that future belongs to.
 */
function lendReports(
  data: Prepared,
  test: Prepared,
  splits: TrainTest[],
  opts: EvaluateOptions,
  textFields: string[],
  metaFields: string[],
): TrainTest[] {
  const own = data.labels.length;
  const extra = prepare(
    opts.extraTrain ?? [],
    opts,
    textFields,
    metaFields,
    ownCopies(opts) ? 'lent' : undefined,
  );
  const widened = splits.map((sp) => {
    let since: string | null = null;
    if (opts.split.kind === 'time') {
      for (const i of sp.test) {
        const t = test.reports[i]!.createdAt;
        if (t === null) return sp;
        if (since === null || t < since) since = t;
      }
    }
    const lent: number[] = [];
    extra.reports.forEach((r, j) => {
      if (since === null || (r.createdAt !== null && r.createdAt < since)) lent.push(own + j);
    });
    return { train: [...sp.train, ...lent], test: sp.test };
  });
  const ownTokens = data.tokens;
  data.reports.push(...extra.reports);
  if (opts.split.kind === 'time') {
    // the tail calibration takes the newest fifth of the training side: lent reports join in time order
    const time = (i: number) => data.reports[i]!.createdAt ?? '';
    for (const sp of widened) sp.train.sort((a, b) => (time(a) < time(b) ? -1 : time(a) > time(b) ? 1 : 0));
  }
  data.labels.push(...extra.labels);
  const ownFresh = data.fresh;
  data.tokens = (i, spec) => (i < own ? ownTokens(i, spec) : extra.tokens(i - own, spec));
  data.fresh = (i, spec) => (i < own ? ownFresh(i, spec) : extra.fresh(i - own, spec));
  const ownForget = data.forget;
  data.forget = () => {
    ownForget();
    extra.forget();
  };
  return widened;
}

function splitName(s: SplitSpec): string {
  return s.kind === 'kfold' ? `kfold:${s.k}` : s.kind;
}

/**
 * Train and test one model (or one per fold) on labelled reports, the way the product would be
 * used, and measure it: the evaluation behind `eightball evaluate`.
 */
export function evaluateReports(reports: BugReport[], opts: EvaluateOptions): EvaluationResult {
  if (opts.groupBy) return evaluateGroups(reports, opts);
  const textFields = opts.textFields ?? ['summary', 'description'];
  const metaFields = opts.metaFields ?? defaultMetaFields(opts.label);
  const minClass = opts.minClassSize ?? 5;
  const copies = ownCopies(opts) ? 'own' : undefined;
  const data = prepare(reports, opts, textFields, metaFields, copies);
  let splits: TrainTest[];
  let testData: (Prepared & { unlabelled: number }) | null = null;
  if (opts.split.kind === 'file') {
    if (!opts.testReports) throw new EightballError('usage', '--split file needs --test-input FILE');
    testData = prepare(opts.testReports, opts, textFields, metaFields, copies);
    splits = [{ train: data.labels.map((_, i) => i), test: testData.labels.map((_, i) => i) }];
  } else if (opts.split.kind === 'time') {
    splits = [timeSplit(data.reports.map((r) => ({ time: r.createdAt, id: r.externalId })))];
  } else if (opts.split.kind === 'random') {
    splits = [stratifiedSplit(data.labels, 0.25, opts.seed)];
  } else {
    splits = kFoldSplits(data.labels, opts.split.k, opts.seed);
  }
  const test = testData ?? data;
  if (opts.extraTrain && opts.extraTrain.length > 0)
    splits = lendReports(data, test, splits, opts, textFields, metaFields);

  const allY: string[] = [];
  const allP: number[][] = [];
  let classesUnion: string[] = [];
  let fitSeconds = 0;
  let selectionSeconds = 0;
  let nTrain = 0;
  const predictTimes: number[] = [];
  const dropped = new Map<string, number>();
  let droppedTrain = 0;
  let droppedTest = 0;
  let lastModel = '';
  let temperature = 1;
  let candidates: CandidateScore[] = [];
  let nSelection = 0;
  let kept: FittedTextClassifier | undefined;
  // with keepModel: the last split's test reports, so a caller can ask another model about the same window
  let windowReports: BugReport[] = [];
  let blend: EvaluationResult['blend'];
  splits.forEach((split, s) => {
    const counts = new Map<string, number>();
    for (const i of split.train) counts.set(data.labels[i]!, (counts.get(data.labels[i]!) ?? 0) + 1);
    for (const [l, c] of counts) if (c < minClass) dropped.set(l, c);
    const train = split.train.filter((i) => (counts.get(data.labels[i]!) ?? 0) >= minClass);
    const testIdx = split.test.filter((i) => (counts.get(test.labels[i]!) ?? 0) >= minClass);
    droppedTrain += split.train.length - train.length;
    droppedTest += split.test.length - testIdx.length;
    if (train.length === 0 || new Set(train.map((i) => data.labels[i])).size < 2) {
      throw new EightballError(
        'rejected',
        `split ${s + 1}: fewer than two classes with at least ${minClass} training reports`,
      );
    }
    if (testIdx.length === 0)
      throw new EightballError('rejected', `split ${s + 1}: no test report has a class seen in training`);
    if (opts.onSplit) {
      const plain = (p: Prepared, i: number) => ({
        text: textFields
          .map((f) => String((p.reports[i] as unknown as Record<string, unknown>)[f] ?? ''))
          .join('\n'),
        label: p.labels[i]!,
      });
      opts.onSplit(
        train.map((i) => plain(data, i)),
        testIdx.map((i) => plain(test, i)),
      );
    }
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
    const vectorizer = {
      ...DEFAULT_VECTORIZER,
      maxFeatures: featureBudget(K, opts.maxModelWeights),
      metaFields,
      fields: DEFAULT_VECTORIZER.fields
        .flatMap((f) => (copies ? [f, { ...f, name: OWN + f.name }] : [f]))
        .map((f) => ({ ...f, charNgrams: opts.charNgrams ?? null })),
    };
    const unigrams = {
      ...vectorizer,
      fields: vectorizer.fields.map((f) => ({ ...f, ngrams: [1, 1] as [number, number] })),
    };
    // n-gram range is part of the search where the data is small enough for it to pay
    const plainVectorizers = train.length <= SMALL_DATA ? [vectorizer, unigrams] : [vectorizer];
    const sv = opts.sentenceVectors;
    // with sentence vectors, each vectorizer is tried with and without them: cross-validation says
    // whether the encoder's English helps this tracker's reports
    const vectorizers = sv
      ? plainVectorizers.flatMap((v) => [
          v,
          { ...v, dense: { encoder: sv.encoder, dims: sv.dims, weight: SENTENCE_WEIGHT } },
        ])
      : plainVectorizers;
    const specs = candidatesFor(opts.model, train.length, K);
    const t0 = performance.now();
    const blending = (opts.blend ?? true) && whole && train.length <= SMALL_DATA;
    const select = (docs: TokenizedDoc[], what: string) =>
      selectModel(docs, selY, specs, {
        folds: opts.cvFolds ?? 3,
        seed: opts.seed,
        metric: SELECTION_METRIC,
        vectorizers,
        keepScores: blending,
        onProgress: (c, d, t) =>
          opts.onProgress?.(`split ${s + 1}/${splits.length}: cross-validating ${c}${what}`, d, t),
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
    opts.onProgress?.(`split ${s + 1}/${splits.length}: fitting on ${train.length} reports`, 0, 1);
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
    // choosing a blend is part of the model search, timed with it
    const tBlend = performance.now();
    let members = blending ? blendOf(pool, trY, opts.seed) : [];
    // on a time split each model's tail (learning from the older four fifths, scored on the newest
    // fifth) judges a blend and then sets the temperatures: computed once per model
    const tails = new Map<string, TailScores | null>();
    const tailOf = (p: TextClassifierParams) => {
      const key = JSON.stringify(p);
      if (!tails.has(key)) tails.set(key, tailScores(docsBy(p.tokenizer), train.length, trY, p));
      return tails.get(key)!;
    };
    if (opts.split.kind === 'time' && members.length > 1) {
      if (
        !blendHoldsOnTail(
          members,
          tailOf(params),
          members.map((m) => tailOf(m.params)),
        )
      )
        members = [];
    }
    selectionSeconds += (performance.now() - tBlend) / 1000;
    const t1 = performance.now();
    let fitted =
      members.length > 1
        ? fitBlend(members, (tokenizer) => stream(docsBy(tokenizer), 0, train.length), trY)
        : new TextClassifier(params).fit(stream(docsBy(chosen), 0, train.length), trY, selection.temperature);
    // kept tokens were made (and timed) before the fit; streamed ones are made inside it
    const tokenizers = new Set(fitted.members().map((m) => m.classifier.params.tokenizer ?? CODE_TOKENIZER));
    fitSeconds +=
      (performance.now() - t1) / 1000 +
      (whole ? [...tokenizers].reduce((sum, tk) => sum + (tokenSeconds.get(tk) ?? 0), 0) : 0);
    // measured: ECE 0.140 → 0.109 on HIVE, 0.110 → 0.104 on HDFS, ±0.001 on the list exports;
    // Brier no worse anywhere (bench/RESULTS.md)
    if (opts.split.kind === 'time') {
      const t2 = performance.now();
      fitted = withTemperatures(
        fitted,
        fitted.members().map(({ classifier: c }) => tailTemperature(tailOf(c.params))),
      );
      selectionSeconds += (performance.now() - t2) / 1000;
    }
    nSelection = sample.length;
    nTrain += train.length;
    lastModel = describeFitted(fitted);
    blend = fitted.blend
      ? fitted.members().map((m) => ({ model: describeParams(m.classifier.params), weight: m.weight }))
      : undefined;
    temperature = fitted.temperature;
    candidates = selection.candidates;
    if (opts.keepModel) {
      kept = fitted;
      windowReports = testIdx.map((i) => test.reports[i]!);
    }
    opts.onProgress?.(`split ${s + 1}/${splits.length}: predicting`, 0, testIdx.length);
    // one report at a time, as the service answers them: that is the latency that matters
    for (const i of testIdx) {
      const r = test.reports[i]!;
      const t = performance.now();
      const p = fitted.predictProba([
        withSentenceVector(
          fitted.tokenize(rawDocOf(r, textFields, metaFields, copies)),
          r,
          opts.sentenceVectors,
        ),
      ]);
      predictTimes.push(performance.now() - t);
      allY.push(test.labels[i]!);
      allP.push(Array.from(p));
    }
    if (classesUnion.length === 0) classesUnion = fitted.classes;
    else if (fitted.classes.join('\u0000') !== classesUnion.join('\u0000')) {
      // folds may see different classes: align every row on the union
      const union = [...new Set([...classesUnion, ...fitted.classes])].sort();
      const remap = (row: number[], from: string[]) => union.map((c) => row[from.indexOf(c)] ?? 0);
      for (let i = 0; i < allP.length - testIdx.length; i++) allP[i] = remap(allP[i]!, classesUnion);
      for (let i = allP.length - testIdx.length; i < allP.length; i++)
        allP[i] = remap(allP[i]!, fitted.classes);
      classesUnion = union;
    }
  });
  const classes = classesUnion;
  const index = new Map(classes.map((c, i) => [c, i]));
  const K = classes.length;
  const y = Int32Array.from(allY, (l) => index.get(l) ?? 0);
  const proba = new Float64Array(allY.length * K);
  allP.forEach((row, i) => {
    proba.set(row, i * K);
  });
  const m = classificationMetrics(y, proba, classes);
  return {
    label: opts.label,
    split: splitName(opts.split),
    model: lastModel,
    temperature,
    candidates,
    ...(blend ? { blend } : {}),
    nSelection,
    accuracy: m.accuracy,
    macroF1: m.macroF1,
    microF1: m.microF1,
    weightedF1: m.weightedF1,
    top3: m.topK.top3 ?? null,
    auc: m.auc,
    brier: m.brier,
    ece: m.ece,
    nTrain: Math.round(nTrain / splits.length),
    nTest: allY.length,
    classes: K,
    fitSeconds: fitSeconds / splits.length,
    selectionSeconds: selectionSeconds / splits.length,
    predictMsPerReport: predictTimes.reduce((a, b) => a + b, 0) / Math.max(1, predictTimes.length),
    predictMsP99: percentile(predictTimes, 0.99),
    droppedClasses: [...dropped.entries()]
      .map(([label, trainCount]) => ({ label, trainCount }))
      .sort((a, b) => (a.label < b.label ? -1 : 1)),
    droppedReports: {
      train: droppedTrain,
      test: droppedTest,
      unlabelled: data.unlabelled + (testData?.unlabelled ?? 0),
    },
    perClass: m.perClass,
    metrics: m,
    ...(opts.keepModel && kept
      ? {
          fitted: kept,
          validation: topAnswers(y, proba, K),
          window: {
            reports: windowReports,
            labels: allY.slice(allY.length - windowReports.length),
            predicted: Array.from(argmaxRows(proba, K), (b) => classes[b]!).slice(
              allY.length - windowReports.length,
            ),
          },
        }
      : {}),
  };
}

function topAnswers(y: Int32Array, proba: Float64Array, K: number): ScoredAnswer[] {
  return Array.from(argmaxRows(proba, K), (best, i) => ({
    probability: proba[i * K + best]!,
    correct: best === y[i],
  }));
}

/** Whether lent reports come with own-group copies of the text fields (see rawDocOf). */
function ownCopies(opts: EvaluateOptions): boolean {
  return (opts.extraTrain?.length ?? 0) > 0 && opts.ownCopies !== false;
}

function evaluateGroups(reports: BugReport[], opts: EvaluateOptions): EvaluationResult {
  const field = opts.groupBy!;
  const groupOf = (r: BugReport) => labelOf(r, field) ?? '(none)';
  const names = [...new Set(reports.map(groupOf))].sort();
  const groups: (EvaluationResult & { group: string })[] = [];
  const skipped: { group: string; reason: string }[] = [];
  // the group is a feature of a pooled model, so a group's own reports can still pull its own way
  const base = opts.metaFields ?? defaultMetaFields(opts.label);
  const metaFields =
    opts.poolGroups && (META_FIELDS as readonly string[]).includes(field) && field !== opts.label
      ? [...new Set([...base, field])]
      : opts.metaFields;
  for (const g of names) {
    const own = reports.filter((r) => groupOf(r) === g);
    const ownTest = opts.testReports?.filter((r) => groupOf(r) === g);
    try {
      const result = evaluateReports(own, {
        ...opts,
        groupBy: undefined,
        metaFields,
        extraTrain: opts.poolGroups ? reports.filter((r) => groupOf(r) !== g) : undefined,
        testReports: ownTest,
        onProgress: (w, d, t) => opts.onProgress?.(`${g}: ${w}`, d, t),
      });
      groups.push({ ...result, group: g });
    } catch (e) {
      // a tracker's small products cannot be measured; that must not cost the others' results
      if (!(e instanceof EightballError) || e.code !== 'rejected') throw e;
      skipped.push({ group: g, reason: e.message });
    }
  }
  if (groups.length === 0) {
    throw new EightballError(
      'rejected',
      `no ${field} group could be evaluated: ${skipped.map((x) => `${x.group}: ${x.reason}`).join('; ')}`,
    );
  }
  return combineGroups(groups, skipped, opts.label);
}
