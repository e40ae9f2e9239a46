import {
  type BlendSpec,
  type CountedCorpus,
  compareBlendHeldOut,
  cvMetrics,
  type FitOptions,
  fitTemperature,
  type SelectionMetric,
  scoreMetrics,
  selectEnsemble,
  selectionScore,
  softmaxRows,
  TextClassifier,
  type TextClassifierParams,
  type TokenizedDoc,
} from '../ml/index.ts';

/** The blend's gates and the newest-fifth checks of the model search (model-search.ts). */

/**
 * what "best" means in the model search unless the task says (accuracy and macro-F1 alike, common
 * and rare classes): what every task was judged by before tasks had objectives
 */
export const SELECTION_METRIC: SelectionMetric = 'mean';

/** Documents `from` .. `to - 1`, made one at a time as a fit reads them. */
export function* stream(doc: (t: number) => TokenizedDoc, from: number, to: number): Generator<TokenizedDoc> {
  for (let t = from; t < to; t++) yield doc(t);
}

/** picks (with replacement) in a blend: weights in steps of a tenth */
const BLEND_PICKS = 10;
/** different models in a blend at most: each is fitted, stored and asked for every answer */
const BLEND_MEMBERS = 3;
/** random halvings of the out-of-fold rows on which a blend must beat the best model alone */
const BLEND_HALVINGS = 3;

/** A model of the oldest four fifths of the training reports, scored on the newest fifth. */
export interface TailScores {
  /** classes (as the head model's sorted classes) of the tail rows it knows */
  codes: Int32Array;
  /** row-major rows × K decision scores */
  scores: Float64Array;
  K: number;
  /** the head model's classes: what `codes` and the score columns index */
  classes: string[];
}

/**
 * How a model does on reports newer than those it learned from: fitted on the oldest four fifths
 * of the (time-ordered) training reports, scored on the newest fifth. Null when the tail is too
 * small or has no class the head knows. Every model of one training set sees the same head
 * classes, so their tails line up row by row.
 */
export function tailScores(
  doc: (t: number) => TokenizedDoc,
  n: number,
  y: string[],
  params: TextClassifierParams,
  fitOptions: FitOptions,
  /** the training reports counted once (`counted.rows[t]` is report t's row): read, not re-tokenised */
  counted?: { corpus: CountedCorpus; rows: number[] },
  /** the period scored, as shares of the training reports: the newest fifth unless asked */
  period: { from: number; to: number } = { from: 0.8, to: 1 },
): TailScores | null {
  const cut = Math.floor(n * period.from);
  const end = Math.floor(n * period.to);
  if (end - cut < 50 || new Set(y.slice(0, cut)).size < 2) return null;
  const useCounts = counted?.corpus.serves(params) === true;
  const head = useCounts
    ? counted!.corpus.fit(params, counted!.rows.slice(0, cut), y.slice(0, cut), fitOptions)
    : new TextClassifier(params, fitOptions).fit(stream(doc, 0, cut), y.slice(0, cut));
  const index = new Map(head.classes.map((c, k) => [c, k]));
  const rows: number[] = [];
  for (let t = cut; t < end; t++) if (index.has(y[t]!)) rows.push(t);
  if (rows.length < 50) return null;
  const K = head.classes.length;
  const scores = new Float64Array(rows.length * K);
  // scored a chunk at a time, so a large tail is never held as tokens or as one matrix
  for (let r = 0; r < rows.length; r += 1000) {
    const chunk = rows.slice(r, r + 1000);
    scores.set(
      useCounts
        ? counted!.corpus.decision(
            head,
            chunk.map((t) => counted!.rows[t]!),
          )
        : head.decision(chunk.map(doc)),
      r * K,
    );
  }
  return { codes: Int32Array.from(rows, (t) => index.get(y[t]!)!), scores, K, classes: head.classes };
}

/**
 * The temperature that calibrates a model on reports newer than those it learned from (its tail
 * scores). Random cross-validation folds mix old and new and so miss the drift every tracker has
 * (components renamed, new features, new words), which leaves time-split probabilities overconfident.
 */
export function tailTemperature(tail: TailScores | null): number | null {
  return tail ? fitTemperature(tail.scores, tail.K, tail.codes) : null;
}

/**
 * On a time split, whether a blend chosen on random out-of-fold rows still beats the single best
 * model on the newest fifth of the training reports, each learning from the older four fifths.
 * Random folds mix old and new reports, and what a blend gains there it can lose on newer ones:
 * without this check HDFS and YARN blended and lost 7.3 and 3.5 points of macro-F1 on their
 * training data alone (bench/RESULTS.md, "Blends"). Unknown (tail too small): the blend stands.
 */
export function blendHoldsOnTail(
  members: BlendSpec[],
  single: TailScores | null,
  tails: (TailScores | null)[],
  metric: SelectionMetric = SELECTION_METRIC,
): boolean {
  if (!single || tails.some((t) => !t)) return true;
  const K = single.K;
  const blended = new Float64Array(single.scores.length);
  members.forEach((m, i) => {
    const p = softmaxRows(tails[i]!.scores, K, m.temperature);
    for (let j = 0; j < blended.length; j++) blended[j]! += m.weight * p[j]!;
  });
  const score = (scores: Float64Array) => selectionScore(scoreMetrics(scores, single.codes, K), metric);
  return score(blended) > score(single.scores);
}

export interface PoolEntry {
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
export function blendOf(
  pool: PoolEntry[],
  y: string[],
  seed: number,
  metric: SelectionMetric = SELECTION_METRIC,
): BlendSpec[] {
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
    (pred, truth) => selectionScore(cvMetrics(pred, truth, K), metric),
    { repeats: BLEND_HALVINGS, seed, maxSize: BLEND_PICKS, maxMembers: BLEND_MEMBERS },
  );
  if (!(gain > 0)) return [];
  return choice.counts.flatMap((n, c) =>
    n > 0 ? [{ params: pool[c]!.params, weight: n / picks, temperature: choice.temperatures[c]! }] : [],
  );
}
