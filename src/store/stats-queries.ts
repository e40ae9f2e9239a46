import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

export interface CountRow {
  key: string;
  n: number;
}

export interface StoreStats {
  total: number;
  bySource: CountRow[];
  byProductComponent: CountRow[];
  byType: CountRow[];
  byYear: CountRow[];
}

/** Counts for `eightball stats`, computed in the database so they stay cheap on a large store. */
export async function storeStats(
  db: Kysely<Database>,
  opts: { source?: string; top?: number } = {},
): Promise<StoreStats> {
  const top = opts.top ?? 20;
  const base = () => {
    const q = db.selectFrom('bug_reports');
    return opts.source ? q.where('source', '=', opts.source) : q;
  };
  const total = await base()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const bySource = await base()
    .select(['source as key', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('source')
    .orderBy('n', 'desc')
    .execute();
  const pc = sql<string>`coalesce(product, '(none)') || '::' || coalesce(component, '(none)')`;
  const byProductComponent = await base()
    .select([pc.as('key'), (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(pc)
    .orderBy('n', 'desc')
    .orderBy('key')
    .limit(top)
    .execute();
  const type = sql<string>`coalesce(type, '(none)')`;
  const byType = await base()
    .select([type.as('key'), (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(type)
    .orderBy('n', 'desc')
    .execute();
  const year = sql<string>`coalesce(substr(created_at, 1, 4), '(unknown)')`;
  const byYear = await base()
    .select([year.as('key'), (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(year)
    .orderBy('key')
    .execute();
  const norm = (rows: { key: string; n: number | string | bigint }[]): CountRow[] =>
    rows.map((r) => ({ key: String(r.key), n: Number(r.n) }));
  return {
    total: Number(total.n),
    bySource: norm(bySource),
    byProductComponent: norm(byProductComponent),
    byType: norm(byType),
    byYear: norm(byYear),
  };
}

/** The most common values of a report column (for pick lists), most frequent first. */
export async function commonValues(
  db: Kysely<Database>,
  column: 'product' | 'platform' | 'op_sys' | 'severity',
  limit = 200,
): Promise<string[]> {
  const rows = await db
    .selectFrom('bug_reports')
    .select([column, (eb) => eb.fn.countAll<number>().as('n')])
    .where(column, 'is not', null)
    .groupBy(column)
    .orderBy('n', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => String((r as Record<string, unknown>)[column]));
}
