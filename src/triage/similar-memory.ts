import type { BugReport } from '../domain/index.ts';
import type { TokenizedDoc } from '../ml/index.ts';
import { SimilarityIndex } from '../ml/index.ts';
import { type Store, storedReportsPage } from '../store/index.ts';
import { docOf } from './dataset.ts';
import type { SimilarItem, SimilarityBasis } from './similar-search.ts';

/**
 * How far one search walks before it scores its leading candidates in full: chosen by
 * bench:similar alone (recall@5 against exact cosine and latency on generated reports; no labels
 * read). Walking the heaviest postings first, 50,000 postings and 300 candidates found 0.999 of
 * exact's neighbours at 200,000 reports and 0.979 at a million (a fiftieth of the reports: 0.955
 * there); past a million the budget grows with the store, as a twentieth of the reports indexed.
 */
export const budgetFor = (indexed: number) => ({ postings: Math.max(50_000, indexed / 20), candidates: 300 });

/** Reports read from the store at a time while the index fills. */
const BATCH = 200;
/**
 * Reports indexed between two yields to the event loop: a request waits for at most one slice.
 * At a million reports a batch of 200 took 80-140 ms, and every request made while the index
 * filled (its first minutes) waited that long; 25 take under 10 ms.
 */
const SLICE = 25;
/** Throw-away searches after the fill: the first answers at a million reports took 6-10 to speed up. */
const WARM_QUERIES = 30;
/** Which reports a search keeps to: not the asking one, its tracker's, its product's first. */
export interface SearchWhere {
  excludeId?: number | undefined;
  source?: string | undefined;
  product: string | null;
}

export interface SimilarityStatus {
  indexed: number;
  /** every stored report is in (new ones keep arriving as they are stored) */
  complete: boolean;
}

/**
 * Similar reports from an in-memory inverted index of every stored report, in the vector space of
 * one model's text features. It fills from the newest report down while the server answers (the
 * newest are the likeliest neighbours of a new report, and a million take minutes), and catches up
 * with reports other processes store.
 */
export class MemorySimilarity {
  private readonly index = new SimilarityIndex();
  private readonly items: Omit<SimilarItem, 'similarity'>[] = [];
  /** each item's product, to keep a product's reports among themselves */
  private readonly products: (string | null)[] = [];
  /** each tracker (source) a number: the index's group, so one tracker's search ranks only its own */
  private readonly sources = new Map<string, number>();
  /** every id up to this one is indexed or was looked at (the catch-up's mark) */
  private caughtUpTo = 0;
  /** ids added by `addAll` above the mark, so the catch-up does not add them twice */
  private readonly added = new Set<number>();
  private complete = false;
  /** the fill has read its first page (the catch-up's mark is set) or found the store empty */
  private marked = false;
  private stopped = false;
  private waiters: { atLeast: number; resolve: () => void }[] = [];
  /** the last page the fill read: its first reports are searched for once it is done (`warm`) */
  private lastPage: { report: BugReport }[] = [];

  private constructor(
    private readonly store: Store,
    private readonly space: SimilarityBasis,
    private readonly limit: number,
  ) {
    // an unhandled failure would end the process; the index is then what it holds
    void this.fill()
      .catch(() => undefined)
      .then(() => this.warm())
      .catch(() => undefined)
      .finally(() => {
        this.complete = true;
        this.marked = true;
        this.wake();
      });
  }

  get modelId(): number {
    return this.space.modelId;
  }

  /** The model whose text features this index holds. */
  get basis(): SimilarityBasis {
    return this.space;
  }

  /** Start filling the index of `basis`'s model with the newest `limit` stored reports. */
  static start(store: Store, basis: SimilarityBasis, limit = Number.POSITIVE_INFINITY): MemorySimilarity {
    return new MemorySimilarity(store, basis, limit);
  }

  status(): SimilarityStatus {
    return { indexed: this.items.length, complete: this.complete };
  }

  /** Resolves once `atLeast` reports are indexed, or all of them are. */
  reached(atLeast: number): Promise<void> {
    if (this.complete || this.items.length >= atLeast) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ atLeast, resolve }));
  }

  /** Stop filling (a newer model's index replaces this one); what is indexed still answers. */
  stop(): void {
    this.stopped = true;
  }

  private wake(): void {
    const n = this.items.length;
    const ready = this.waiters.filter((w) => this.complete || n >= w.atLeast);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  private async fill(): Promise<void> {
    let before: number | undefined;
    while (!this.stopped && this.items.length < this.limit) {
      const page = await storedReportsPage(this.store.db, {
        beforeId: before ?? Number.MAX_SAFE_INTEGER,
        limit: Math.min(BATCH, this.limit - this.items.length),
      });
      if (page.length === 0) break;
      if (before === undefined) this.caughtUpTo = page[0]!.id;
      this.marked = true;
      before = page.at(-1)!.id;
      this.lastPage = page;
      await this.addInSlices(page.filter(({ id }) => !this.added.has(id)));
      this.wake();
    }
  }

  /**
   * Throw-away searches once the index is whole. The start's warm-up searches an index of a few
   * thousand reports, too little work for V8 to optimise the search (`--trace-opt`: it was first
   * optimised during the first answers after a million-report fill), so on a server nobody asked
   * during the fill, the first answers after it ran unoptimised: 127-229 ms against a p50 of 4-5
   * (a CPU profile showed the postings walk not inlined). The reports are the oldest page's.
   */
  private async warm(): Promise<void> {
    for (const { report } of this.lastPage.slice(0, WARM_QUERIES)) {
      if (this.stopped) return;
      const tokens = this.space.model.tokenize(docOf(report, this.space.textFields, []));
      this.search(this.space, tokens, 5, { product: null });
      await new Promise((r) => setImmediate(r));
    }
    this.lastPage = [];
  }

  /** Add reports a slice at a time, yielding between slices: a serving process keeps answering. */
  private async addInSlices(reports: { id: number; report: BugReport }[]): Promise<void> {
    for (let i = 0; i < reports.length; i += SLICE) {
      // a newer model's index replaces this one: what is left is not worth its time
      if (this.stopped) return;
      this.add(reports.slice(i, i + SLICE));
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Add the reports stored since the last look (by this process or any other). */
  async catchUp(): Promise<void> {
    if (this.stopped || !this.marked) return;
    for (;;) {
      const page = await storedReportsPage(this.store.db, { afterId: this.caughtUpTo, limit: BATCH });
      if (page.length === 0) return;
      this.caughtUpTo = page.at(-1)!.id;
      await this.addInSlices(page.filter(({ id }) => !this.added.delete(id)));
      if (page.length < BATCH) return;
    }
  }

  /** Make newly stored reports findable at once. */
  addAll(basis: SimilarityBasis, reports: { id: number; report: BugReport }[]): void {
    if (basis.modelId !== this.modelId || reports.length === 0) return;
    const fresh = reports.filter(({ id }) => id > this.caughtUpTo && !this.added.has(id));
    for (const { id } of fresh) this.added.add(id);
    this.add(fresh);
  }

  private add(reports: { id: number; report: BugReport }[]): void {
    if (reports.length === 0) return;
    const basis = this.space;
    const docs = reports.map(({ report }) => basis.model.tokenize(docOf(report, basis.textFields, [])));
    const groups = reports.map(({ report }) => this.sourceGroup(report.source));
    this.index.add(basis.model.vectorizer.transform(docs, false), groups);
    for (const { id, report: r } of reports) {
      this.items.push({ id, source: r.source, externalId: r.externalId, summary: r.summary, url: r.url });
      this.products.push(r.product);
    }
  }

  private sourceGroup(source: string): number {
    let g = this.sources.get(source);
    if (g === undefined) {
      g = this.sources.size;
      this.sources.set(source, g);
    }
    return g;
  }

  /**
   * The nearest indexed reports, kept apart by tracker and product: a stored report's from its own
   * source, and a report that names its product from that product's when there are any among the
   * near ones (a store of several trackers otherwise mixes them).
   */
  search(basis: SimilarityBasis, tokens: TokenizedDoc, k: number, where: SearchWhere): SimilarItem[] {
    if (k <= 0 || basis.modelId !== this.modelId) return [];
    // a tracker none of whose reports is indexed has no similar reports (others' are not its own)
    const group = where.source ? this.sources.get(where.source) : undefined;
    if (where.source && group === undefined) return [];
    const Q = basis.model.vectorizer.transform([{ text: tokens.text, meta: {} }], false);
    // more neighbours than asked for, so that preferring the report's product still leaves k
    const hits = this.index
      .query(Q, 0, (k + 1) * 8, { minScore: 0.05, budget: budgetFor(this.index.size), group })
      .filter((hit) => this.items[hit.item]!.id !== where.excludeId);
    const own = where.product ? hits.filter((hit) => this.products[hit.item] === where.product) : [];
    return (own.length > 0 ? own : hits)
      .slice(0, k)
      .map((hit) => ({ ...this.items[hit.item]!, similarity: hit.score }));
  }
}
