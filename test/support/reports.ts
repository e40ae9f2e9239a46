import type { BugReport } from '../../src/domain/index.ts';

/** A plausible report for store and evaluation tests; fields can be overridden. */
export function makeReport(over: Partial<BugReport> & { externalId: string }): BugReport {
  const base: BugReport = {
    source: 'test',
    externalId: over.externalId,
    url: null,
    summary: `Report ${over.externalId}`,
    description: 'Steps to reproduce...',
    product: 'Firefox',
    component: 'General',
    type: 'defect',
    severity: 'normal',
    priority: 'P3',
    platform: 'x86_64',
    opSys: 'Linux',
    version: null,
    keywords: ['crash'],
    status: 'NEW',
    resolution: null,
    reporter: 'reporter@example.org',
    assignee: null,
    createdAt: '2020-01-01T00:00:00.000Z',
    updatedAt: '2020-01-02T00:00:00.000Z',
    labels: {},
    filed: { product: 'Firefox', component: 'General', severity: 'normal', type: 'defect', priority: 'P3' },
    filedKnown: false,
    raw: { id: over.externalId },
  };
  const r = { ...base, ...over };
  // as filed equals current unless the test says otherwise, as for a source without history
  if (!over.filed)
    r.filed = {
      product: r.product,
      component: r.component,
      severity: r.severity,
      type: r.type,
      priority: r.priority,
    };
  return r;
}
