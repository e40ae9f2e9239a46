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
