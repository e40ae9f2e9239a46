import { sql } from 'kysely';
import type { Store } from './database.ts';

export interface SearchHit {
  id: number;
  source: string;
  product: string | null;
  externalId: string;
  summary: string;
  description: string;
  url: string | null;
}

/** Words safe in either dialect's query syntax: letters, digits and underscores only. */
export function searchWords(words: readonly string[]): string[] {
  return [
    ...new Set(
      words.map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}_]+/gu, '')).filter((w) => w.length >= 2),
    ),
  ];
}

/**
 * The stored reports that share the most with these words, best first, by the database's own
 * full-text index (FTS5's bm25 on SQLite, ts_rank on PostgreSQL): the candidates a similar-reports
 * search then ranks by cosine. Every stored report is searched, not only the newest.
 */
export async function searchReports(
  store: Store,
  words: readonly string[],
  limit: number,
  where: { source?: string | undefined; excludeId?: number | undefined } = {},
): Promise<SearchHit[]> {
  const terms = searchWords(words);
  if (terms.length === 0 || limit <= 0) return [];
  const exclude = where.excludeId ?? -1;
  if (store.dialect === 'sqlite' && store.sqlite) {
    const match = terms.map((t) => `"${t}"`).join(' OR ');
    const rows = store.sqlite
      .prepare(
        `select r.id, r.source, r.product, r.external_id as externalId, r.summary, r.description, r.url
         from report_search join bug_reports r on r.id = report_search.rowid
         where report_search match ? and r.id <> ? ${where.source ? 'and r.source = ?' : ''}
         order by bm25(report_search) limit ?`,
      )
      .all(...[match, exclude, ...(where.source ? [where.source] : []), limit]) as SearchHit[];
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }
  const query = terms.join(' | ');
  const r = await sql<SearchHit>`
    select id, source, product, external_id as "externalId", summary, description, url
    from bug_reports, to_tsquery('simple', ${query}) q
    where search @@ q and id <> ${exclude} ${where.source ? sql`and source = ${where.source}` : sql``}
    order by ts_rank(search, q) desc limit ${limit}`.execute(store.db);
  return r.rows.map((x) => ({ ...x, id: Number(x.id) }));
}
