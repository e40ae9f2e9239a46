import {
  F,
  FEATURES,
  type FeatureName,
  type FeatureNotes,
  type FixRecord,
  fileFeatures,
  type PreparedHistory,
  type RankQuery,
  termCounts,
} from './file-features.ts';
import type { FileIndex } from './file-index.ts';
import { scoreRows, topIndices } from './pairwise-ranker.ts';

/** A ranked file, with what put it there. */
export interface RankedFile {
  path: string;
  score: number;
  /** the features that pushed it up most, in words */
  why: string[];
}

export interface RankedDirectory {
  path: string;
  score: number;
  /** its best-ranked files */
  files: string[];
}

export interface FileRanking {
  files: RankedFile[];
  directories: RankedDirectory[];
}

/** Weights before any learning: text similarity first, then what earlier fixes say. */
export const DEFAULT_WEIGHTS: Readonly<Record<FeatureName, number>> = {
  text: 1,
  similar: 0.5,
  stack: 0.5,
  named: 0.3,
  fixCount: 0.05,
  recent30: 0.1,
  recent365: 0.1,
  name: 0.2,
  component: 0.2,
  summary: 0.5,
  fixerText: 0.5,
  length: 0.1,
  method: 0.3,
  textTop: 0.2,
  similarTop: 0.2,
};

export function defaultWeights(): Float64Array {
  return Float64Array.from(FEATURES, (f) => DEFAULT_WEIGHTS[f]);
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i);
}

function reasons(
  index: FileIndex,
  i: number,
  X: Float64Array,
  w: ArrayLike<number>,
  query: Map<string, number>,
  notes: FeatureNotes,
): string[] {
  const parts = FEATURES.map((name, f) => ({ name, v: X[i * F + f]! * w[f]! })).filter((p) => p.v > 0);
  parts.sort((a, b) => b.v - a.v);
  const said = parts.slice(0, 4).map(({ name }) => {
    if (name === 'text' || name === 'textTop') {
      const counts = index.termsOf(i).counts;
      const matched = [...query.keys()]
        .filter((t) => counts.has(t))
        .sort((a, b) => index.idf(b) - index.idf(a))
        .slice(0, 5);
      return `the report's words in its code: ${matched.join(', ')}`;
    }
    if (name === 'similar' || name === 'similarTop') {
      const id = notes.similar.get(i)?.id;
      return id ? `fixed for similar earlier reports, most like ${id}` : 'fixed for similar earlier reports';
    }
    if (name === 'stack') {
      const frame = notes.frame.get(i);
      return frame
        ? `holds ${frame} of the report's stack trace`
        : "holds a class of the report's stack trace";
    }
    if (name === 'named') return `the report names ${notes.named.get(i) ?? 'its class'}`;
    if (name === 'name') return "its name's words are in the report";
    if (name === 'component') return "often fixed for this component's reports";
    if (name === 'summary') return "the report's title matches its code";
    if (name === 'fixerText') return 'earlier reports in these words were fixed here';
    if (name === 'length') return 'a large file';
    if (name === 'method') return 'the report names one of its methods';
    return 'fixed often or recently';
  });
  // fix count and both recencies read the same to a person: said once
  return [...new Set(said)].slice(0, 3);
}

/** The first `k` files of a revision for a report, and the directories they make up. */
export function rankFiles(
  index: FileIndex,
  query: RankQuery,
  history: readonly FixRecord[] | PreparedHistory,
  weights: ArrayLike<number>,
  k = 10,
): FileRanking & { scores: Float64Array } {
  const notes: FeatureNotes = { similar: new Map(), frame: new Map(), named: new Map() };
  const X = fileFeatures(index, query, history, notes);
  const scores = scoreRows(X, weights);
  const top = topIndices(scores, k);
  const q = termCounts(query.text);
  const files = top.map((i) => ({
    path: index.paths[i]!,
    score: scores[i]!,
    why: reasons(index, i, X, weights, q, notes),
  }));
  // a directory is as likely as its likeliest file ("the section of code")
  const dirs = new Map<string, { score: number; files: string[] }>();
  for (const i of topIndices(scores, Math.max(k * 5, 50))) {
    const d = dirOf(index.paths[i]!);
    const e = dirs.get(d);
    if (!e) dirs.set(d, { score: scores[i]!, files: [index.paths[i]!] });
    else if (e.files.length < 3) e.files.push(index.paths[i]!);
  }
  const directories = [...dirs]
    .map(([path, e]) => ({ path, ...e }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
  return { files, directories, scores };
}
