import type { BugReport } from '../domain/index.ts';
import type { TokenizedDoc } from '../ml/index.ts';
import { SimilarityIndex } from '../ml/index.ts';
import { type Store, storedReportsPage } from '../store/index.ts';
import { docOf } from './dataset.ts';
import type { SimilarItem, SimilarityBasis } from './similar-search.ts';

/**
 * How far one search walks before it scores its leading candidates in full, as a share of the
 * reports indexed (a fixed number of postings finds less the larger the store): chosen by
 * bench:similar (recall@5 against exact cosine and latency; no labels read). On 200,000 generated
 * reports a quarter (50,000 postings) and 300 candidates found 0.97 of the exact neighbours in a
 * quarter of an exact walk's time (a tenth: 0.89; a half: 0.996); on the five Jira projects
 * (32,719) the floor of 50,000 found all; on a million generated, a fixed 50,000 found 0.746.
 */
const budgetFor = (indexed: number) => ({ postings: Math.max(50_000, indexed / 4), candidates: 300 });

/** Reports tokenised between two yields to the event loop: a batch costs about 40 ms. */
const BATCH = 200;
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
  /** every id up to this one is indexed or was looked at (the catch-up's mark) */
  private caughtUpTo = 0;
  /** ids added by `addAll` above the mark, so the catch-up does not add them twice */
  private readonly added = new Set<number>();
  private complete = false;
  /** the fill has read its first page (the catch-up's mark is set) or found the store empty */
  private marked = false;
  private stopped = false;
  private waiters: { atLeast: number; resolve: () => void }[] = [];

  private constructor(
    private readonly store: Store,
    private readonly basis: SimilarityBasis,
    private readonly limit: number,
  ) {
    // an unhandled failure would end the process; the index is then what it holds
    void this.fill()
      .catch(() => undefined)
      .finally(() => {
        this.complete = true;
        this.marked = true;
        this.wake();
      });
  }

  get modelId(): number {
    return this.basis.modelId;
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

  /** Stop filling (a newer model's index replaces this one). */
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
      this.add(page.filter(({ id }) => !this.added.has(id)));
      before = page.at(-1)!.id;
      this.wake();
      // a serving process keeps answering meanwhile
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Add the reports stored since the last look (by this process or any other). */
  async catchUp(): Promise<void> {
    if (this.stopped || !this.marked) return;
    for (;;) {
      const page = await storedReportsPage(this.store.db, { afterId: this.caughtUpTo, limit: BATCH });
      if (page.length === 0) return;
      this.add(page.filter(({ id }) => !this.added.delete(id)));
      this.caughtUpTo = page.at(-1)!.id;
      if (page.length < BATCH) return;
      await new Promise((r) => setImmediate(r));
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
    const basis = this.basis;
    const docs = reports.map(({ report }) => basis.model.tokenize(docOf(report, basis.textFields, [])));
    this.index.add(basis.model.vectorizer.transform(docs, false));
    for (const { id, report: r } of reports) {
      this.items.push({ id, source: r.source, externalId: r.externalId, summary: r.summary, url: r.url });
      this.products.push(r.product);
    }
  }

  /**
   * The nearest indexed reports, kept apart by tracker and product: a stored report's from its own
   * source, and a report that names its product from that product's when there are any among the
   * near ones (a store of several trackers otherwise mixes them).
   */
  search(
    basis: SimilarityBasis,
    tokens: TokenizedDoc,
    k: number,
    where: { excludeId?: number | undefined; source?: string | undefined; product: string | null },
  ): SimilarItem[] {
    if (k <= 0 || basis.modelId !== this.modelId) return [];
    const Q = basis.model.vectorizer.transform([{ text: tokens.text, meta: {} }], false);
    // more neighbours than asked for, so that filtering by tracker and product still leaves k
    const hits = this.index
      .query(Q, 0, (k + 1) * 8, 0.05, budgetFor(this.index.size))
      .filter((hit) => this.items[hit.item]!.id !== where.excludeId)
      .filter((hit) => !where.source || this.items[hit.item]!.source === where.source);
    const own = where.product ? hits.filter((hit) => this.products[hit.item] === where.product) : [];
    return (own.length > 0 ? own : hits)
      .slice(0, k)
      .map((hit) => ({ ...this.items[hit.item]!, similarity: hit.score }));
  }
}
