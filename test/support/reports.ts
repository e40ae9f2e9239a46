import type { BugReport } from '../../src/domain/index.ts';
import { finishReport } from '../../src/domain/index.ts';

/** A plausible report for store tests; fields can be overridden. */
export function makeReport(over: Partial<BugReport> & { externalId: string }): BugReport {
  const base = finishReport(
    {
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
      raw: { id: over.externalId },
    },
    over.source ?? 'test',
  );
  return { ...base, ...over };
}
