import { F, FEATURES, type FixRecord, PreparedHistory } from './file-features.ts';
import type { FileIndex } from './file-index.ts';
import { type FileRanking, rankFiles } from './file-ranker.ts';

export const FILE_RANKER_FORMAT = 'eightball/file-ranker';
export const FILE_RANKER_VERSION = 1;

/** the newest fixes a served ranker keeps as its history (similar reports, fix counts) */
export const MAX_HISTORY = 5000;

/** A repository the ranker answers about: where the server reads it, and its web view. */
export interface RankedRepository {
  name: string;
  path: string;
  branch: string;
  /** e.g. https://github.com/OWNER/REPO/blob/{rev}/{path}; null: no links */
  webUrl: string | null;
}

/**
 * The `files` task's fitted model: the learnt weights of the ranker's features and the earlier
 * fixes it reads (their files, times and words), for one repository.
 */
export class FileRankerModel {
  constructor(
    readonly weights: Float64Array,
    readonly history: readonly FixRecord[],
    readonly repository: RankedRepository,
  ) {
    if (weights.length !== F) throw new Error(`a file ranker has ${F} weights, not ${weights.length}`);
  }

  private prepared: PreparedHistory | null = null;

  /** The files of `index` (the repository at some revision) for a report, with why. */
  rank(
    index: FileIndex,
    query: { text: string; summary?: string; component: string | null },
    k = 10,
  ): FileRanking & {
    probabilities: number[];
  } {
    this.prepared ??= new PreparedHistory(this.history);
    const r = rankFiles(index, { ...query, time: Number.POSITIVE_INFINITY }, this.prepared, this.weights, k);
    // the listwise ranker is a softmax over files: each one's chance of being the first one fixed
    let max = Number.NEGATIVE_INFINITY;
    for (const s of r.scores) if (s > max) max = s;
    let z = 0;
    for (const s of r.scores) z += Math.exp(s - max);
    return { ...r, probabilities: r.files.map((f) => Math.exp(f.score - max) / z) };
  }

  toJSON(): object {
    return {
      format: FILE_RANKER_FORMAT,
      version: FILE_RANKER_VERSION,
      features: FEATURES,
      weights: [...this.weights],
      repository: this.repository,
      history: this.history.map((h) => ({
        ...(h.id !== undefined ? { id: h.id } : {}),
        time: h.time,
        files: h.files,
        component: h.component,
        terms: [...h.terms],
      })),
    };
  }

  static fromJSON(o: Record<string, unknown>): FileRankerModel {
    if (o.version !== FILE_RANKER_VERSION)
      throw new Error(
        `file ranker version ${String(o.version)} is not supported (this build reads ${FILE_RANKER_VERSION})`,
      );
    const features = o.features as string[];
    const saved = o.weights as number[];
    if (!Array.isArray(features) || !Array.isArray(saved) || saved.length !== features.length)
      throw new Error('file ranker: its features and weights do not match: retrain the files task');
    const unknown = features.find((f) => !(FEATURES as readonly string[]).includes(f));
    if (unknown !== undefined)
      throw new Error(`file ranker: feature "${unknown}" is not this build’s: retrain the files task`);
    // by name: a feature the model was trained without weighs 0, so it ranks as it did
    const weights = new Float64Array(F);
    features.forEach((f, k) => {
      weights[FEATURES.indexOf(f as (typeof FEATURES)[number])] = Number(saved[k]);
    });
    const history = (
      o.history as {
        id?: string;
        time: number;
        files: string[];
        component: string | null;
        terms: [string, number][];
      }[]
    ).map((h) => ({
      ...(typeof h.id === 'string' ? { id: h.id } : {}),
      time: h.time,
      files: h.files,
      component: h.component,
      terms: new Map(h.terms),
    }));
    return new FileRankerModel(weights, history, o.repository as RankedRepository);
  }
}
