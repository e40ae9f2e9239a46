import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { BugReport } from '../domain/index.ts';

const field = z.string().trim().max(200).optional();

/** What a reporter (or an API client) sends: checked once, with limits, before anything reads it. */
export const ReportInputSchema = z
  .object({
    summary: z.string().trim().min(1, 'is required').max(1000),
    description: z.string().max(65_536).optional().default(''),
    product: field,
    component: field,
    platform: field,
    opSys: field,
    severity: field,
    version: field,
    reporter: field,
  })
  .strict();

/** What callers pass: `description` may be left out. */
export type ReportInput = z.input<typeof ReportInputSchema>;

/** The source name of reports filed through eightball itself. */
export const LOCAL_SOURCE = 'eightball';

/** A new report as filed now: its triage fields as filed are the ones given. */
export function reportFromInput(input: ReportInput, now = new Date().toISOString()): BugReport {
  const v = (s: string | undefined) => (s && s.trim() !== '' ? s.trim() : null);
  const triage = {
    product: v(input.product),
    component: v(input.component),
    severity: v(input.severity),
    type: null,
    priority: null,
  };
  return {
    source: LOCAL_SOURCE,
    externalId: randomUUID(),
    url: null,
    summary: input.summary,
    description: input.description ?? '',
    ...triage,
    platform: v(input.platform),
    opSys: v(input.opSys),
    version: v(input.version),
    keywords: [],
    status: 'NEW',
    resolution: null,
    reporter: v(input.reporter),
    assignee: null,
    createdAt: now,
    updatedAt: now,
    labels: {},
    filed: triage,
    filedKnown: true,
    raw: { filedWith: 'eightball' },
  };
}
