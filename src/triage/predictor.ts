import type { BugReport } from '../domain/index.ts';
import {
  deserializeModel,
  type Explanation,
  FileRankerModel,
  type FittedModel,
  FittedMultilabelClassifier,
  type RankedLabel,
  type TextModel,
  type TokenizedDoc,
} from '../ml/index.ts';
import { activeModelIds, getServableModel, type ModelVersionRow, type Store } from '../store/index.ts';
import { docOf, textOf } from './dataset.ts';
import { reasonsFor } from './explain.ts';
import { type AnsweredFile, type AnsweredSection, filesTaskAnswer, SourceAtHead } from './file-answers.ts';
import { type ReportInput, reportFromInput } from './report-input.ts';
import { loadSentenceEncoder } from './sentence-encoder.ts';
import type { SearchWhere } from './similar-memory.ts';
import { IndexedSimilarity, type SimilarItem, type SimilarityBasis } from './similar-search.ts';
import { type Handover, ServedSimilarity, type ServedSimilarityStatus } from './similar-served.ts';
import { allowedForSource, labelSetsBySource } from './source-labels.ts';
import { storedMetrics } from './stored-metrics.ts';
import { listTasks, type TaskDefinition, type TaskKind, type TaskName } from './tasks/index.ts';

export interface TaskAnswer {
  task: TaskName;
  kind: TaskKind;
  modelId: number;
  version: number;
  /**
   * the top label, or null when the model abstains; for a multi-label task the asserted labels
   * joined by ", " ("(none)" when it is sure of none)
   */
  label: string | null;
  /** the asserted labels: the top one, or a multi-label task's every label at or above the threshold */
  labels: string[];
  probability: number;
  threshold: number;
  /**
   * below the threshold: a person should decide among `ranking` (multi-label: some label is
   * neither likely enough to assert nor unlikely enough to rule out)
   */
  needsHuman: boolean;
  /** the top labels, most probable first (multi-label: each label's own probability) */
  ranking: RankedLabel[];
  explanation: (Explanation & { reasons: string[] })[];
  /** a rank task (files): the likeliest files of the code, with why and a link */
  files?: AnsweredFile[];
  /** and the sections (directories) they make up */
  sections?: AnsweredSection[];
}

/** A similar stored report, as an answer lists it (the searches' own item type). */
export type SimilarReport = SimilarItem;

export interface Classification {
  /** every active task's answer, by task name */
  answers: Record<TaskName, TaskAnswer>;
  similar: SimilarReport[];
}

export interface Loaded {
  task: TaskDefinition;
  row: Omit<ModelVersionRow, 'artifact' | 'artifact_bin' | 'report_html' | 'report'>;
  model: FittedModel;
  textFields: string[];
  metaFields: string[];
  /** each tracker's labels, when the version kept several trackers apart */
  labelsBySource?: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** the task's `sources` setting when the version was trained (absent before it existed: apart) */
  sources?: 'apart' | 'pooled' | undefined;
}

/** The labels a loaded model can answer with. */
export function modelLabels(m: Loaded | undefined): string[] {
  if (!m || m.model instanceof FileRankerModel) return [];
  return m.model instanceof FittedMultilabelClassifier ? m.model.labels : m.model.classes;
}

/** A loaded model that reads a report's tokens (not a file ranker, which reads the source). */
type TokenModel = Loaded & { model: Exclude<FittedModel, FileRankerModel> };
function readsTokens(m: Loaded): m is TokenModel {
  return !(m.model instanceof FileRankerModel);
}

/** What tokenises a report for a model: its tokenizer and the fields it reads. */
type Tokenizing = { model: Exclude<FittedModel, FileRankerModel>; textFields: string[] };

/** The loaded one-label model that indexes similar reports: the highest similarityPriority. */
function similarityBasis(loaded: Map<TaskName, Loaded>): (Loaded & { model: TextModel }) | undefined {
  let best: (Loaded & { model: TextModel }) | undefined;
  for (const m of loaded.values()) {
    if (m.model instanceof FittedMultilabelClassifier || m.model instanceof FileRankerModel) continue;
    if (m.task.similarityPriority <= 0) continue;
    if (!best || m.task.similarityPriority > best.task.similarityPriority)
      best = m as Loaded & { model: TextModel };
  }
  return best;
}

export interface PredictorOptions {
  /** how often to look for a newly activated version; 0 looks on every call */
  refreshMs?: number;
  /** the most reports indexed for "similar reports" by the in-memory search, newest first (default: all) */
  similarLimit?: number;
  /**
   * `memory` (the default): an in-memory index of every stored report (or the newest `similarLimit`); `index`:
   * similar reports over every stored report, through the database's full-text index
   */
  similarSearch?: 'index' | 'memory';
  /** `whole` (the default): a new version's in-memory index answers once whole; `at-once`: at once */
  similarHandover?: Handover;
  ranking?: number;
}

/**
 * How many of the newest reports a server or worker indexes for similar reports before it starts;
 * the older ones fill in while it answers, a few thousand a second. 10,000 were most of a server's
 * start on a million-report store (2.3 s of vectorising in a profile of its 8.5 s); any first
 * part is a sliver of such a store, so the start is spent on little.
 */
export const FIRST_INDEXED = 2_000;

/**
 * Answers for a new report from the active version of every task. Loads each version once and
 * swaps to another when it is activated (in this process or any other sharing the database),
 * without a restart: a cheap query of the active ids, at most every `refreshMs`.
 */
export class Predictor {
  private loaded = new Map<TaskName, Loaded>();
  private checkedAt = -Infinity;
  private refreshing: Promise<void> | null = null;
  private readonly memory: ServedSimilarity | null;
  private readonly refreshMs: number;
  private readonly similarLimit: number;
  private readonly rankingSize: number;
  private readonly sourceAtHead = new SourceAtHead();
  private readonly searchMode: 'index' | 'memory';
  private readonly indexed: IndexedSimilarity;

  constructor(
    private readonly store: Store,
    opts: PredictorOptions = {},
  ) {
    this.refreshMs = opts.refreshMs ?? 2000;
    this.similarLimit = opts.similarLimit ?? Number.POSITIVE_INFINITY;
    this.rankingSize = opts.ranking ?? 5;
    this.searchMode = opts.similarSearch ?? 'memory';
    this.indexed = new IndexedSimilarity(store);
    this.memory =
      this.searchMode === 'memory'
        ? new ServedSimilarity(store, this.similarLimit, opts.similarHandover ?? 'whole')
        : null;
  }

  /** The loaded version per task, after making sure it is the active one. */
  async models(): Promise<Map<TaskName, Loaded>> {
    await this.refresh();
    return this.loaded;
  }

  async refresh(force = false): Promise<void> {
    if (!force && performance.now() - this.checkedAt < this.refreshMs) return;
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
  }

  private async reload(): Promise<void> {
    const active = await activeModelIds(this.store.db);
    const tasks = await listTasks(this.store);
    this.checkedAt = performance.now();
    for (const name of [...this.loaded.keys()])
      if (!tasks.some((t) => t.name === name)) this.loaded.delete(name);
    for (const task of tasks) {
      const id = active.get(task.name);
      if (id === undefined) {
        this.loaded.delete(task.name);
        continue;
      }
      if (this.loaded.get(task.name)?.row.id === id) continue;
      const row = await getServableModel(this.store.db, id);
      if (!row) continue;
      const model = deserializeModel(row.artifact_bin ?? row.artifact);
      const { artifact: _a, artifact_bin: _b, ...summary } = row;
      const stored = storedMetrics(row.metrics, `${row.task} v${row.version}`);
      const metaFields = stored.metaFields ?? [];
      this.loaded.set(task.name, {
        task,
        row: summary,
        model,
        textFields: model instanceof FileRankerModel ? [] : model.params.vectorizer.fields.map((f) => f.name),
        metaFields,
        labelsBySource: labelSetsBySource(stored.labelsBySource),
        sources: stored.sources,
      });
    }
    // a file ranker starts indexing its repository's source at once, so the first answer is fast
    for (const m of this.loaded.values())
      if (m.model instanceof FileRankerModel) void this.sourceAtHead.index(m.model).catch(() => undefined);
    const basis = similarityBasis(this.loaded);
    // a new version's index fills beside the one in use, which answers until the new one is as full
    if (basis) this.memory?.follow(basisOf(basis));
  }

  /**
   * Resolves when the similar-reports index of the current models holds every stored report, or
   * `atLeast` of them (a server starts answering before a million are in, the newest first).
   */
  async similarReady(atLeast = Number.POSITIVE_INFINITY): Promise<void> {
    await this.refresh();
    await this.memory?.reached(atLeast);
  }

  /** How far the in-memory similar-reports index is (null: none, or the database's search). */
  similarStatus(): ServedSimilarityStatus | null {
    return this.memory?.status() ?? null;
  }

  /** Make a newly stored report findable as "similar" at once (the database's index needs nothing). */
  remember(id: number, report: BugReport): void {
    this.memory?.addAll([{ id, report }]);
  }

  async classify(
    input: ReportInput,
    opts: {
      similar?: number;
      excludeId?: number;
      /**
       * a stored report's tracker: its similar reports come from the same one, and a task that
       * keeps trackers apart answers among that tracker's labels
       */
      source?: string | undefined;
    } = {},
  ): Promise<Classification> {
    const models = await this.models();
    const report = reportFromInput(input);
    const answers: Classification['answers'] = {};
    // tokenising is the dearest step: once per tokenizer, shared by the tasks and the similarity search
    const tokensBy = new Map<string, TokenizedDoc>();
    const tokensFor = (m: Tokenizing): TokenizedDoc => {
      const key = JSON.stringify(m.model.params.tokenizer ?? null);
      let t = tokensBy.get(key);
      if (!t) {
        t = m.model.tokenize(docOf(report, m.textFields, []));
        tokensBy.set(key, t);
      }
      return t;
    };
    // a model that learned from a sentence encoder's vectors needs this report's: once per encoder
    const vectors = new Map<string, Float32Array>();
    for (const m of models.values()) {
      if (!readsTokens(m)) continue;
      const name = m.model instanceof FittedMultilabelClassifier ? undefined : m.model.denseEncoder;
      if (!name || vectors.has(name)) continue;
      const encoder = await loadSentenceEncoder(name);
      const [v] = await encoder.encode([m.textFields.map((f) => textOf(report, f))]);
      vectors.set(name, v!);
    }
    for (const [task, m] of models) {
      if (!readsTokens(m)) {
        const answer = await this.filesAnswer(m, report);
        if (answer) answers[task] = answer;
        continue;
      }
      const text = tokensFor(m);
      const meta = docOf(report, [], m.metaFields).meta;
      if (m.model instanceof FittedMultilabelClassifier) {
        const allowed = allowedForSource(m.labelsBySource, opts.source, undefined, m.model.labels);
        const analysis = m.model.analyze({ ...text, meta }, 8);
        answers[task] = multilabelAnswer(m, allowed ? analysis.filter((a) => allowed(a.label)) : analysis);
        continue;
      }
      const encoder = m.model.denseEncoder;
      const doc = { ...text, meta, ...(encoder ? { dense: vectors.get(encoder)! } : {}) };
      const allowed = allowedForSource(
        m.labelsBySource,
        opts.source,
        m.task.allowedFor?.(report, m.row.label_source, m.model.classes),
        m.model.classes,
      );
      const analysis = m.model.analyze(doc, 3, 8, allowed);
      // each label its own reasons, in words a reporter reads (the features stay beside them)
      const explanation = analysis.explanation.map((e) => ({ ...e, reasons: reasonsFor(e.because) }));
      const ranking = analysis.ranking.slice(0, this.rankingSize);
      const top = ranking[0]!;
      const needsHuman = top.probability < m.row.threshold;
      answers[task] = {
        task,
        kind: 'classify',
        modelId: m.row.id,
        version: m.row.version,
        label: needsHuman ? null : top.label,
        labels: needsHuman ? [] : [top.label],
        probability: top.probability,
        threshold: m.row.threshold,
        needsHuman,
        ranking,
        explanation,
      };
    }
    // similar reports keep to the report's tracker unless the task whose space finds them pools trackers
    const basis = similarityBasis(models);
    const similarOpts = { ...opts, source: basis?.sources === 'pooled' ? undefined : opts.source };
    return {
      answers,
      similar:
        this.searchMode === 'index'
          ? await this.similarIndexed(tokensFor, report, opts.similar ?? 5, similarOpts)
          : this.similarInMemory(tokensFor, opts.similar ?? 5, {
              excludeId: opts.excludeId,
              source: similarOpts.source,
              product: report.product,
            }),
    };
  }

  private async similarIndexed(
    tokensFor: (m: Tokenizing) => TokenizedDoc,
    report: BugReport,
    k: number,
    opts: { excludeId?: number | undefined; source?: string | undefined },
  ): Promise<SimilarReport[]> {
    const basis = similarityBasis(this.loaded);
    if (!basis || !readsTokens(basis) || k <= 0) return [];
    return this.indexed.search(basisOf(basis), report, tokensFor(basis), k, {
      excludeId: opts.excludeId,
      source: opts.source,
    });
  }

  /** The files task's answer, or none when its repository cannot be read now. */
  private filesAnswer(m: Loaded, report: BugReport): Promise<TaskAnswer | null> {
    return filesTaskAnswer(m, this.sourceAtHead, report);
  }

  private similarInMemory(
    tokensFor: (m: Tokenizing) => TokenizedDoc,
    k: number,
    where: SearchWhere,
  ): SimilarReport[] {
    // the served index's own model, which is the active one's or, while that one's fills, the last
    const basis = this.memory?.basis;
    if (!this.memory || !basis) return [];
    return this.memory.search(basis, tokensFor(basis), k, where);
  }
}

/** The part of a loaded model similar-report searches use. */
function basisOf(m: Loaded & { model: TextModel }): SimilarityBasis {
  return { model: m.model, textFields: m.textFields, modelId: m.row.id };
}

/**
 * A multi-label answer: every label at or above the threshold is asserted; one between the
 * threshold and its mirror (1 - threshold) is in doubt, and then a person should look.
 */
function multilabelAnswer(
  m: Loaded,
  analysis: ReturnType<FittedMultilabelClassifier['analyze']>,
): TaskAnswer {
  const t = m.row.threshold;
  const asserted = analysis.filter((a) => a.probability >= t).map((a) => a.label);
  const doubtful = analysis.some((a) => a.probability < t && a.probability > 1 - t);
  // none left when the report's tracker carried only labels the model does not assert
  const top = analysis[0] ?? { probability: 0 };
  return {
    task: m.task.name,
    kind: 'multilabel',
    modelId: m.row.id,
    version: m.row.version,
    label: asserted.length > 0 ? asserted.join(', ') : doubtful ? null : '(none)',
    labels: asserted,
    probability: top.probability,
    threshold: t,
    needsHuman: doubtful,
    ranking: analysis.map((a) => ({ label: a.label, probability: a.probability })),
    explanation: analysis
      .filter((a) => a.probability > 1 - t)
      .slice(0, 3)
      .map((a) => ({ ...a, reasons: reasonsFor(a.because) })),
  };
}
