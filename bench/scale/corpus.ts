// A generator of bug reports that read like the real ones: a first-order Markov chain over the
// words of the shared Jira reports, one chain per product::component, so the vocabulary, the
// bigrams, the lengths and the class sizes are the real trackers' and only the sequence is drawn.
import type { BugReport } from '../../src/domain/index.ts';
import { createRng, tokenize } from '../../src/ml/index.ts';

interface ClassModel {
  label: string;
  /** first words of real summaries, as word ids */
  starts: Int32Array;
  /** successors of a word in this class's reports: word id → list of word ids (with repeats) */
  next: Map<number, number[]>;
  /** real [summary, description] lengths in words */
  lengths: [number, number][];
}

export interface GeneratedReport {
  label: string;
  summary: string;
  description: string;
}

/** Words only, lower-cased, nothing dropped: the raw text the generator strings together. */
const WORDS = { stopWords: new Set<string>(), splitIdentifiers: false, minLength: 1 };
// longer descriptions add time without adding anything a benchmark of scale needs to show
const MAX_DESCRIPTION_WORDS = 300;

export class ReportGenerator {
  private readonly words: string[] = [];
  private readonly classes: ClassModel[] = [];
  private readonly cumulative: Float64Array;
  private readonly globalNext = new Map<number, number[]>();
  private readonly rng: () => number;

  constructor(reports: BugReport[], nClasses: number, seed: number) {
    this.rng = createRng(seed);
    const byLabel = new Map<string, BugReport[]>();
    for (const r of reports) {
      if (!r.component) continue;
      const label = `${r.product ?? '?'}::${r.component}`;
      let list = byLabel.get(label);
      if (!list) {
        list = [];
        byLabel.set(label, list);
      }
      list.push(r);
    }
    const top = [...byLabel.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, nClasses);
    const ids = new Map<string, number>();
    const id = (w: string) => {
      let i = ids.get(w);
      if (i === undefined) {
        i = this.words.length;
        this.words.push(w);
        ids.set(w, i);
      }
      return i;
    };
    const sizes: number[] = [];
    for (const [label, rs] of top) {
      const next = new Map<number, number[]>();
      const starts: number[] = [];
      const lengths: [number, number][] = [];
      const learn = (seq: number[]) => {
        for (let i = 0; i + 1 < seq.length; i++) {
          for (const table of [next, this.globalNext]) {
            let s = table.get(seq[i]!);
            if (!s) {
              s = [];
              table.set(seq[i]!, s);
            }
            s.push(seq[i + 1]!);
          }
        }
      };
      for (const r of rs) {
        const summary = tokenize(r.summary ?? '', WORDS).map(id);
        const description = tokenize(r.description ?? '', WORDS)
          .slice(0, MAX_DESCRIPTION_WORDS)
          .map(id);
        if (summary.length > 0) starts.push(summary[0]!);
        learn(summary);
        learn(description);
        lengths.push([Math.max(1, summary.length), description.length]);
      }
      this.classes.push({ label, starts: Int32Array.from(starts), next, lengths });
      sizes.push(rs.length);
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    this.cumulative = new Float64Array(sizes.length);
    let acc = 0;
    sizes.forEach((s, i) => {
      acc += s / total;
      this.cumulative[i] = acc;
    });
  }

  get labels(): string[] {
    return this.classes.map((c) => c.label);
  }

  get vocabularySize(): number {
    return this.words.length;
  }

  private pick<T>(xs: ArrayLike<T>): T {
    return xs[Math.floor(this.rng() * xs.length)]!;
  }

  private sentence(c: ClassModel, length: number): string {
    const out: string[] = [];
    let w = this.pick(c.starts);
    for (let i = 0; i < length; i++) {
      out.push(this.words[w]!);
      // mostly the class's own chain; sometimes any tracker's, as real reports wander off-topic
      const own = c.next.get(w);
      const any = this.globalNext.get(w);
      const s = own && (this.rng() < 0.8 || !any) ? own : any;
      w = s ? this.pick(s) : this.pick(c.starts);
    }
    return out.join(' ');
  }

  next(): GeneratedReport {
    const u = this.rng();
    let k = 0;
    while (k < this.cumulative.length - 1 && this.cumulative[k]! < u) k++;
    const c = this.classes[k]!;
    const [ls, ld] = this.pick(c.lengths);
    return { label: c.label, summary: this.sentence(c, ls), description: this.sentence(c, ld) };
  }
}
