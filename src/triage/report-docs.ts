import type { BugReport } from '../domain/index.ts';
import type { TrainTest } from '../evaluation/splits.ts';
import {
  CODE_TOKENIZER,
  CountedCorpus,
  type OnProgress,
  type RawDoc,
  type TextClassifierParams,
  type TokenizedDoc,
  type TokenizerSpec,
  tokenizeDoc,
  tokenizerOptions,
} from '../ml/index.ts';
import { docOf, labelOf } from './dataset.ts';
import type { EvaluateOptions } from './evaluate-reports.ts';
import { mapLabel } from './tasks/label-map.ts';

export interface SentenceVectors {
  encoder: string;
  dims: number;
  of: (r: BugReport) => Float32Array | undefined;
}

export interface Prepared {
  /** report i tokenised the given way; computed on first use, since test reports are tokenised at
   * prediction time and plain-word tokens are only wanted on small data */
  tokens: (i: number, spec: TokenizerSpec) => TokenizedDoc;
  /** the same, without keeping it (unless it was already kept): for streaming a large fit */
  fresh: (i: number, spec: TokenizerSpec) => TokenizedDoc;
  /** let go of every kept token list */
  forget: () => void;
  /**
   * every report tokenised and counted once as `params` read text (made on first use and kept):
   * what a large training set's fits share
   */
  counted: (params: TextClassifierParams, onProgress?: OnProgress, threads?: number) => CountedCorpus;
  /** report i's raw fields, as `tokens` and `fresh` tokenise them (without a sentence vector) */
  raw: (i: number) => RawDoc;
  /** the counts `counted` made last, if any */
  lastCounted: () => CountedCorpus | null;
  labels: string[];
  reports: BugReport[];
}

export function withSentenceVector(
  doc: TokenizedDoc,
  r: BugReport,
  sv: SentenceVectors | undefined,
): TokenizedDoc {
  if (!sv) return doc;
  const dense = sv.of(r);
  if (!dense) throw new Error(`report ${r.externalId} has no ${sv.encoder} vector`);
  return { ...doc, dense };
}

/** The text fields' copies that only a group's own reports fill (see `ownCopies`). */
export const OWN = 'own·';

/**
 * A report's raw document; with `copies`, each text field also as `own·FIELD`, filled for the
 * group's own reports and empty for lent ones ("frustratingly easy" domain adaptation, Daumé
 * 2007): a pooled model then learns what all groups' words share, and on top what they mean in
 * this group.
 */
export function rawDocOf(
  r: BugReport,
  textFields: string[],
  metaFields: string[],
  copies: 'own' | 'lent' | undefined,
): RawDoc {
  const raw = docOf(r, textFields, metaFields);
  if (copies) for (const f of textFields) raw.text[OWN + f] = copies === 'own' ? raw.text[f]! : '';
  return raw;
}

export function prepare(
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
    const raw = opts.labelOf ? opts.labelOf(r) : labelOf(r, opts.label);
    const l = raw === null || !opts.labelMap ? raw : mapLabel(opts.labelMap, raw);
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
  let corpus: CountedCorpus | null = null;
  const data: Prepared & { unlabelled: number } = {
    reports: kept,
    labels,
    tokens,
    fresh,
    forget: () => cache.clear(),
    unlabelled,
    // the counts hold no labels: which reports a fit learns from is set by the rows it is given
    counted: (params, onProgress, threads = 1) => {
      if (corpus?.serves(params) && corpus.size === data.reports.length) return corpus;
      const spec = params.tokenizer ?? CODE_TOKENIZER;
      // a worker thread tokenises raw fields itself; sentence vectors stay on this one
      const twoThreads = threads >= 2 && !opts.sentenceVectors ? { raw: data.raw } : undefined;
      corpus = CountedCorpus.count(
        params,
        data.reports.length,
        (i) => data.fresh(i, spec),
        onProgress,
        twoThreads,
      );
      return corpus;
    },
    raw: (i) => rawDocOf(kept[i]!, textFields, metaFields, copies),
    lastCounted: () => corpus,
  };
  return data;
}

/**
 * Appends `opts.extraTrain` to `data` (its own reports keep their indices, so test indices stay
 * valid) and to the training side of every split. A time split only borrows reports filed before
 * its oldest test report, and none when the test reports' filing times are unknown: the model must
 * not learn from the future it is tested on, whichever group that future belongs to.
 */
export function lendReports(
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
  const ownRaw = data.raw;
  data.raw = (i) => (i < own ? ownRaw(i) : extra.raw(i - own));
  data.tokens = (i, spec) => (i < own ? ownTokens(i, spec) : extra.tokens(i - own, spec));
  data.fresh = (i, spec) => (i < own ? ownFresh(i, spec) : extra.fresh(i - own, spec));
  const ownForget = data.forget;
  data.forget = () => {
    ownForget();
    extra.forget();
  };
  return widened;
}

/** Whether lent reports come with own-group copies of the text fields (see rawDocOf). */
export function ownCopies(opts: Pick<EvaluateOptions, 'extraTrain' | 'ownCopies'>): boolean {
  return (opts.extraTrain?.length ?? 0) > 0 && opts.ownCopies !== false;
}
