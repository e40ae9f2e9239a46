import type { BugReport } from '../domain/index.ts';
import type { FileIndex } from '../ml/file-index.ts';
import type { FileRankerModel } from '../ml/index.ts';
import { openGitRepo, resolveRevision } from '../sources/git/git-command.ts';
import { SourceSnapshots } from '../sources/git/source-snapshots.ts';
import type { Loaded, TaskAnswer } from './predictor.ts';

/** A file the `files` task answers with: its chance of being the first one the fix touches. */
export interface AnsweredFile {
  path: string;
  probability: number;
  why: string[];
  /** the repository's web view of it, when a URL template is set */
  url: string | null;
}

export interface AnsweredSection {
  path: string;
  probability: number;
  files: string[];
}

/**
 * The source a served file ranker answers about: the repository's branch head, indexed once per
 * model version and head (a few seconds for thousands of files), the ranking then a few ms.
 */
export class SourceAtHead {
  private readonly built = new Map<string, Promise<{ index: FileIndex; revision: string }>>();
  private readonly heads = new Map<string, { sha: string; at: number }>();

  /** how long a branch's head is trusted before git is asked again (a pull moves it) */
  constructor(private readonly headMs = 30_000) {}

  private head(path: string, branch: string): string {
    const key = `${path}\u0000${branch}`;
    const known = this.heads.get(key);
    if (known && performance.now() - known.at < this.headMs) return known.sha;
    const sha = resolveRevision(openGitRepo(path), branch);
    this.heads.set(key, { sha, at: performance.now() });
    return sha;
  }

  index(model: FileRankerModel): Promise<{ index: FileIndex; revision: string }> {
    const r = model.repository;
    let sha: string;
    try {
      sha = this.head(r.path, r.branch);
    } catch (e) {
      return Promise.reject(e);
    }
    const key = `${r.path}\u0000${sha}`;
    let p = this.built.get(key);
    if (!p) {
      p = (async () => {
        const snapshots = new SourceSnapshots(openGitRepo(r.path));
        try {
          const s = await snapshots.at(sha);
          return { index: s.index, revision: sha };
        } finally {
          snapshots.close();
        }
      })();
      // a failure is not kept: the next request tries again (the clone may be back)
      p.catch(() => this.built.delete(key));
      // one revision per repository is kept: the previous head's index is let go
      for (const k of this.built.keys()) if (k.startsWith(`${r.path}\u0000`)) this.built.delete(k);
      this.built.set(key, p);
    }
    return p;
  }

  /** Forget every index (a new model version, or the repository moved on). */
  clear(): void {
    this.built.clear();
    this.heads.clear();
  }
}

function fileUrl(template: string | null, revision: string, path: string): string | null {
  if (!template) return null;
  return template
    .replaceAll('{rev}', encodeURIComponent(revision))
    .replaceAll('{path}', path.split('/').map(encodeURIComponent).join('/'));
}

/** The top files and sections of the code for a report, with why. */
export async function answerFiles(
  model: FileRankerModel,
  source: SourceAtHead,
  report: BugReport,
  k = 10,
): Promise<{ files: AnsweredFile[]; sections: AnsweredSection[]; revision: string }> {
  const { index, revision } = await source.index(model);
  const r = model.rank(
    index,
    {
      text: `${report.summary}\n${report.description}`,
      summary: report.summary,
      component: report.component,
    },
    k,
  );
  const p = new Map(r.files.map((f, i) => [f.path, r.probabilities[i]!]));
  return {
    revision,
    files: r.files.map((f, i) => ({
      path: f.path,
      probability: r.probabilities[i]!,
      why: f.why,
      url: fileUrl(model.repository.webUrl, revision, f.path),
    })),
    sections: r.directories.map((d) => ({
      path: d.path,
      probability: d.files.reduce((s, f) => s + (p.get(f) ?? 0), 0),
      files: d.files,
    })),
  };
}

/** A files task's answer in the shape every task answers with, or null when its source cannot be read. */
export async function filesTaskAnswer(
  m: Pick<Loaded, 'task' | 'row' | 'model'>,
  source: SourceAtHead,
  report: BugReport,
): Promise<TaskAnswer | null> {
  let r: Awaited<ReturnType<typeof answerFiles>>;
  try {
    r = await answerFiles(m.model as FileRankerModel, source, report);
  } catch {
    return null;
  }
  const top = r.files[0];
  return {
    task: m.task.name,
    kind: 'rank',
    modelId: m.row.id,
    version: m.row.version,
    label: top?.path ?? null,
    labels: top ? [top.path] : [],
    probability: top?.probability ?? 0,
    threshold: m.row.threshold,
    needsHuman: !top || top.probability < m.row.threshold,
    ranking: r.files.map((f) => ({ label: f.path, probability: f.probability })),
    explanation: r.files
      .slice(0, 3)
      .map((f) => ({ label: f.path, probability: f.probability, because: [], reasons: f.why })),
    files: r.files,
    sections: r.sections,
  };
}
