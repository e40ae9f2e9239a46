import type { TextModel, TokenizedDoc } from '../ml/index.ts';
import { SimilarityIndex } from '../ml/index.ts';
import { type SearchHit, type Store, searchReports } from '../store/index.ts';
import { docOf } from './dataset.ts';
import { reportFromInput } from './report-input.ts';

/** What the similar-reports answer lists of one report. */
export interface SimilarItem {
  id: number;
  source: string;
  externalId: string;
  summary: string;
  url: string | null;
  similarity: number;
}

/** the query's rarest words sent to the full-text index */
const QUERY_WORDS = 16;
/** candidates the index returns, ranked again by cosine in the model's space */
const CANDIDATES = 64;
/** vectors of candidates kept between queries (a report is a candidate of many) */
const CACHE = 20_000;

type Vector = { indices: Int32Array; data: Float32Array };

/** The model whose text features similar reports are compared in. */
export interface SimilarityBasis {
  model: TextModel;
  textFields: string[];
  modelId: number;
}

/**
 * Similar reports over every stored report: the database's full-text index (`report-search.ts`)
 * finds candidates by the query's rarest words (rarest by the model's idf), and the model's tf-idf
 * cosine ranks them, as the in-memory search did over the newest reports only.
 */
export class IndexedSimilarity {
  private cache = new Map<number, Vector>();
  private cachedFor = -1;

  constructor(
    private readonly store: Store,
    private readonly cacheSize = CACHE,
  ) {}

  async search(
    basis: SimilarityBasis,
    report: { summary: string; description: string; product: string | null },
    tokens: TokenizedDoc,
    k: number,
    where: { excludeId?: number | undefined; source?: string | undefined },
  ): Promise<SimilarItem[]> {
    if (k <= 0) return [];
    if (this.cachedFor !== basis.modelId) {
      this.cache.clear();
      this.cachedFor = basis.modelId;
    }
    const words = this.rarestWords(basis, `${report.summary} ${report.description}`);
    const hits = await searchReports(this.store, words, CANDIDATES, where);
    if (hits.length === 0) return [];
    const index = new SimilarityIndex();
    index.add(this.vectors(basis, hits));
    const Q = basis.model.vectorizer.transform([{ text: tokens.text, meta: {} }], false);
    const ranked = index
      .query(Q, 0, (k + 1) * 8, { minScore: 0.05 })
      .map((h) => ({ hit: hits[h.item]!, score: h.score }));
    const own = report.product ? ranked.filter((r) => r.hit.product === report.product) : [];
    return (own.length > 0 ? own : ranked).slice(0, k).map(({ hit, score }) => ({
      id: hit.id,
      source: hit.source,
      externalId: hit.externalId,
      summary: hit.summary,
      url: hit.url,
      similarity: score,
    }));
  }

  private rarestWords(basis: { model: TextModel; textFields: string[] }, text: string): string[] {
    const vocab = basis.model.vectorizer.vocabulary;
    const idf = basis.model.vectorizer.idf;
    const scored: [string, number][] = [];
    for (const w of new Set(text.toLowerCase().match(/[\p{L}\p{N}_]{3,}/gu) ?? [])) {
      let best = 0;
      for (const f of basis.textFields) {
        const j = vocab.get(`${f}:${w}`);
        if (j !== undefined && idf[j]! > best) best = idf[j]!;
      }
      if (best > 0) scored.push([w, best]);
    }
    return scored
      .sort((a, b) => b[1] - a[1])
      .slice(0, QUERY_WORDS)
      .map(([w]) => w);
  }

  /** The candidates' rows in the model's space, from the cache where they were seen before. */
  private vectors(basis: { model: TextModel; textFields: string[] }, hits: SearchHit[]) {
    const missing = hits.filter((h) => !this.cache.has(h.id));
    if (missing.length > 0) {
      const docs = missing.map((h) =>
        basis.model.tokenize(
          docOf(
            reportFromInput({ summary: h.summary || '(no summary)', description: h.description }),
            basis.textFields,
            [],
          ),
        ),
      );
      const X = basis.model.vectorizer.transform(docs, false);
      missing.forEach((h, r) => {
        const a = X.indptr[r]!;
        const b = X.indptr[r + 1]!;
        this.cache.set(h.id, { indices: X.indices.slice(a, b), data: X.data.slice(a, b) });
      });
    }
    const rows = hits.map((h) => {
      // a hit moves to the back: a Map iterates in insertion order, so the front is the least used
      const v = this.cache.get(h.id)!;
      this.cache.delete(h.id);
      this.cache.set(h.id, v);
      return v;
    });
    for (const key of this.cache.keys()) {
      if (this.cache.size <= this.cacheSize) break;
      this.cache.delete(key);
    }
    const indptr = new Int32Array(rows.length + 1);
    rows.forEach((v, i) => {
      indptr[i + 1] = indptr[i]! + v.indices.length;
    });
    const indices = new Int32Array(indptr[rows.length]!);
    const data = new Float32Array(indptr[rows.length]!);
    rows.forEach((v, i) => {
      indices.set(v.indices, indptr[i]!);
      data.set(v.data, indptr[i]!);
    });
    return { nRows: rows.length, nCols: basis.model.vectorizer.nFeatures, indptr, indices, data };
  }
}
