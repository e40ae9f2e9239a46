import type { BugReport } from '../domain/index.ts';
import type { TokenizedDoc } from '../ml/index.ts';
import type { Store } from '../store/index.ts';
import { MemorySimilarity, type SearchWhere, type SimilarityStatus } from './similar-memory.ts';
import type { SimilarItem, SimilarityBasis } from './similar-search.ts';

/** How far the served index is, and the next version's while it fills beside it. */
export interface ServedSimilarityStatus extends SimilarityStatus {
  /** a newly activated version's index, filling while the one above still answers */
  next?: SimilarityStatus;
}

/** When a new version's index takes over: once whole (both held until then), or at once. */
export type Handover = 'whole' | 'at-once';

/**
 * The in-memory similar-reports index a process answers from, across activations. A new version's
 * index fills beside the one in use, which goes on answering (in its own model's space) until the
 * new one is whole (or, if the old one was not whole yet, holds as many reports): a million-report
 * index takes minutes to fill, and without this every answer in those minutes came from the
 * newest few thousand reports only. The price is memory: both indexes are held until the handover
 * (a million reports: 3.9 GB resident before, 7.7 GB at the handover). `at-once` is the other
 * choice: the new index answers as it fills.
 */
export class ServedSimilarity {
  private serving: MemorySimilarity | null = null;
  private next: MemorySimilarity | null = null;
  private handover: Promise<void> = Promise.resolve();
  private catchingUp: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly limit: number,
    private readonly handoverWhen: Handover = 'whole',
  ) {}

  /** The model that similar reports should be found in (the active one); called on every refresh. */
  follow(basis: SimilarityBasis): void {
    if (!this.serving || (this.handoverWhen === 'at-once' && this.serving.modelId !== basis.modelId)) {
      // at once: the new index answers from what it holds while it fills (half the memory)
      this.serving?.stop();
      this.serving = MemorySimilarity.start(this.store, basis, this.limit);
      return;
    }
    if (this.serving.modelId === basis.modelId) {
      // the version in use was activated again before the next one's index was whole
      this.next?.stop();
      this.next = null;
      this.catchUp();
      return;
    }
    if (this.next?.modelId === basis.modelId) return;
    this.next?.stop();
    // a whole index hands over to a whole (and warmed) one; one still filling, to one as full
    const { indexed, complete } = this.serving.status();
    // the old index answers with what it holds; filling both at once would halve each one's pace
    this.serving.stop();
    const next = MemorySimilarity.start(this.store, basis, this.limit);
    this.next = next;
    this.handover = next.reached(complete ? Number.POSITIVE_INFINITY : indexed).then(() => {
      if (this.next !== next) return;
      this.serving = next;
      this.next = null;
    });
  }

  private catchUp(): void {
    if (!this.serving || this.catchingUp) return;
    // reports other processes stored (imports, webhooks of another server) since the last look
    this.catchingUp = this.serving
      .catchUp()
      .catch(() => undefined)
      .finally(() => {
        this.catchingUp = null;
      });
  }

  /** The model whose space the served index is in: a query is tokenised for it. */
  get basis(): SimilarityBasis | null {
    return this.serving?.basis ?? null;
  }

  /**
   * Resolves once the served index holds `atLeast` reports or every one; with no bound, once the
   * newest activated version's index is whole and serving.
   */
  async reached(atLeast = Number.POSITIVE_INFINITY): Promise<void> {
    if (atLeast === Number.POSITIVE_INFINITY) {
      while (this.next) await this.handover;
    }
    await this.serving?.reached(atLeast);
  }

  status(): ServedSimilarityStatus | null {
    if (!this.serving) return null;
    const status = this.serving.status();
    return this.next ? { ...status, next: this.next.status() } : status;
  }

  /** Make newly stored reports findable at once, in both indexes during a handover. */
  addAll(reports: { id: number; report: BugReport }[]): void {
    for (const index of [this.serving, this.next]) index?.addAll(index.basis, reports);
  }

  /** The nearest reports to `tokens`, which must be tokenised for `basis`'s model. */
  search(basis: SimilarityBasis, tokens: TokenizedDoc, k: number, where: SearchWhere): SimilarItem[] {
    return this.serving?.search(basis, tokens, k, where) ?? [];
  }
}
