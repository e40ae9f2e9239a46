import type { BugReport } from '../domain/index.ts';
import {
  chooseThreshold,
  type ScoredAnswer,
  type ThresholdChoice,
  thresholdStats,
} from '../evaluation/abstention.ts';
import { timeSplit } from '../evaluation/splits.ts';
import {
  blendSpecs,
  fitBlend,
  type TextModel,
  type TokenizedDoc,
  type TokenizerSpec,
  tokenizeDoc,
  tokenizerOptions,
} from '../ml/index.ts';
import { docOf } from './dataset.ts';
import type { SentenceVectors } from './evaluate-reports.ts';
import { withBiasesOf } from './held-out.ts';

/** Fewer training reports than this in the newest fifth, and the threshold is chosen on the test window. */
const MIN_TAIL = 20;

/** A served threshold: chosen on one set of answers, measured on another. */
export interface ServedThreshold extends ThresholdChoice {
  /** where it was chosen */
  chosenOn: string;
  /** precision and coverage where it was chosen (the figures `precision`/`coverage` hold are the test window's) */
  chosenPrecision: number;
  chosenCoverage: number;
}

/**
 * The abstention threshold, chosen on training reports alone: the validated settings are fitted
 * on the oldest four fifths of the training part of the time split and asked about the newest
 * fifth (newer reports than they learnt from, as the service meets them), and with the model
 * search's answers also on the three fifths and the fourth after them (`tailPeriods`); the
 * threshold with the best expected gain there is kept, and its precision and coverage are then measured on the test
 * window, which played no part in choosing it. With too few training reports for a tail, it is
 * chosen on the test window, and `chosenOn` says so.
 */
export function chooseServedThreshold(o: {
  reports: BugReport[];
  labelOf: (r: BugReport) => string;
  validated: TextModel;
  textFields: string[];
  metaFields: string[];
  sentenceVectors?: SentenceVectors | undefined;
  minClassSize: number;
  /** the test window's answers of the validated model */
  validation: ScoredAnswer[];
  cost: number;
  /** threads each SVM fit may use (default 1) */
  threads?: number;
  /**
   * the validated model's answers on that newest fifth, already made by the model search (its
   * tail, which set the temperatures): the threshold is chosen on them without a second fit
   */
  tailAnswers?: ScoredAnswer[] | undefined;
  /** 2 when `tailAnswers` also hold the fourth fifth's, by a model of the older three fifths */
  tailPeriods?: 1 | 2 | undefined;
}): ServedThreshold {
  const byTime = (rs: BugReport[], ratio: number) =>
    timeSplit(
      rs.map((r) => ({ time: r.createdAt, id: r.externalId })),
      ratio,
    );
  const split = byTime(o.reports, 0.25);
  const train = split.train.map((i) => o.reports[i]!);
  const inner = byTime(train, 0.2);
  const tail = inner.test.map((i) => train[i]!);
  const counts = new Map<string, number>();
  for (const i of inner.train) counts.set(o.labelOf(train[i]!), (counts.get(o.labelOf(train[i]!)) ?? 0) + 1);
  const head = inner.train
    .map((i) => train[i]!)
    .filter((r) => (counts.get(o.labelOf(r)) ?? 0) >= o.minClassSize);
  const onTest = (c: ThresholdChoice, chosenOn: string): ServedThreshold => {
    const t = thresholdStats(o.validation, c.threshold);
    return { ...c, ...t, chosenOn, chosenPrecision: c.precision, chosenCoverage: c.coverage };
  };
  if (tail.length < MIN_TAIL || new Set(head.map(o.labelOf)).size < 2)
    return onTest(
      chooseThreshold(o.validation, o.cost),
      `the test window (${o.validation.length} reports; too few training reports to keep a newest fifth apart)`,
    );
  if (o.tailAnswers && o.tailAnswers.length >= MIN_TAIL)
    return onTest(
      chooseThreshold(o.tailAnswers, o.cost),
      o.tailPeriods === 2
        ? `the fourth and the newest fifth of the training reports (${o.tailAnswers.length}), each by a model of the older reports`
        : `the newest fifth of the training reports (${o.tailAnswers.length}), by a model of the older four fifths`,
    );
  const doc = (r: BugReport, options: ReturnType<typeof tokenizerOptions>): TokenizedDoc => {
    const d = tokenizeDoc(docOf(r, o.textFields, o.metaFields), options);
    return o.sentenceVectors ? { ...d, dense: o.sentenceVectors.of(r)! } : d;
  };
  function* docs(tokenizer: TokenizerSpec | undefined) {
    const options = tokenizerOptions(tokenizer);
    for (const r of head) yield doc(r, options);
  }
  const model = withBiasesOf(
    o.validated,
    fitBlend(blendSpecs(o.validated), docs, head.map(o.labelOf), { threads: o.threads ?? 1 }),
  );
  const answers: ScoredAnswer[] = tail.map((r) => {
    const raw = docOf(r, o.textFields, o.metaFields);
    const p = model.predictRaw([o.sentenceVectors ? { ...raw, dense: o.sentenceVectors.of(r)! } : raw]);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    return { probability: p[best]!, correct: model.classes[best] === o.labelOf(r) };
  });
  return onTest(
    chooseThreshold(answers, o.cost),
    `the newest fifth of the training reports (${tail.length}), by a model of the older ${head.length}`,
  );
}
