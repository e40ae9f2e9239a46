import type { BugReport } from '../domain/index.ts';
import type { TokenizedDoc } from '../ml/index.ts';
import { SimilarityIndex } from '../ml/index.ts';
import { newestStoredReports, type Store } from '../store/index.ts';
import { docOf } from './dataset.ts';
import type { SimilarItem, SimilarityBasis } from './similar-search.ts';

/**
 * Similar reports from an in-memory inverted index of the newest stored reports, in the vector
 * space of one model's text features: fast, and blind to what is older than its window.
 */
export class MemorySimilarity {
  private readonly index = new SimilarityIndex();
  private readonly items: Omit<SimilarItem, 'similarity'>[] = [];
  /** each item's product, to keep a product's reports among themselves */
  private readonly products: (string | null)[] = [];

  private constructor(readonly modelId: number) {}

  /** Index the newest `limit` stored reports, yielding to the event loop between batches. */
  static async build(store: Store, basis: SimilarityBasis, limit: number): Promise<MemorySimilarity> {
    const m = new MemorySimilarity(basis.modelId);
    const rows = await newestStoredReports(store.db, limit);
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      m.addAll(basis, part);
      // a serving process keeps answering meanwhile
      await new Promise((r) => setImmediate(r));
    }
    return m;
  }

  /** Make stored reports findable at once. */
  addAll(basis: SimilarityBasis, reports: { id: number; report: BugReport }[]): void {
    if (basis.modelId !== this.modelId || reports.length === 0) return;
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
      .query(Q, 0, (k + 1) * 8, 0.05)
      .filter((hit) => this.items[hit.item]!.id !== where.excludeId)
      .filter((hit) => !where.source || this.items[hit.item]!.source === where.source);
    const own = where.product ? hits.filter((hit) => this.products[hit.item] === where.product) : [];
    return (own.length > 0 ? own : hits)
      .slice(0, k)
      .map((hit) => ({ ...this.items[hit.item]!, similarity: hit.score }));
  }
}
