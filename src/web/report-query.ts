import { str, TASK_NAME_SCHEMA } from './route-schemas.ts';

/** The list page's filters, as its query string gives them. */
export interface ReportQuery {
  q?: string;
  product?: string;
  component?: string;
  source?: string;
  untriaged?: '1';
  task?: string;
  needs?: 'human' | 'unclassified' | 'uncorrected';
  predicted?: string;
  page?: number;
}

/** The store's filter for the page's: a prediction filter without a task is about routing. */
export function queueFilter(f: Omit<ReportQuery, 'page'>) {
  return {
    q: f.q,
    product: f.product || undefined,
    component: f.component || undefined,
    source: f.source || undefined,
    untriaged: f.untriaged === '1',
    task: f.task || (f.needs || f.predicted ? 'component' : undefined),
    needs: f.needs,
    predicted: f.predicted || undefined,
  };
}

/** The filters' JSON schema, for the list page's query string and the forms that carry them on. */
export const REPORT_FILTER_PROPS = {
  q: str(200),
  product: str(200),
  component: str(200),
  source: str(200),
  untriaged: { type: 'string', enum: ['1'] },
  task: TASK_NAME_SCHEMA,
  needs: { type: 'string', enum: ['human', 'unclassified', 'uncorrected'] },
  predicted: str(200),
} as const;
