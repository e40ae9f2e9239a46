import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type BugReport, EightballError } from '../domain/index.ts';

/** The most of each field a report to classify may carry: the API, the form and the jobs agree. */
export const REPORT_LIMITS = { summary: 1000, description: 65_536, field: 200 } as const;

const field = z.string().trim().max(REPORT_LIMITS.field).optional();

/** What a reporter (or an API client) sends: checked once, with limits, before anything reads it. */
export const ReportInputSchema = z
  .object({
    summary: z.string().trim().min(1, 'is required').max(REPORT_LIMITS.summary),
    description: z.string().max(REPORT_LIMITS.description).optional().default(''),
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

/**
 * A report input checked against the schema, or a usage error naming the field at fault (as a
 * path under `at`: `reports.3.` for the fourth report of a batch). The API, the form and batches
 * all parse with this.
 */
export function parseReportInput(body: unknown, at = ''): z.output<typeof ReportInputSchema> {
  const parsed = ReportInputSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const i = parsed.error.issues[0]!;
  const field = `${at}${i.path.join('.')}`;
  throw EightballError.about(field, 'usage', `${field}: ${i.message}`);
}

type InputField = keyof z.input<typeof ReportInputSchema>;

/**
 * The JSON Schema of a report input for Fastify's validation and the OpenAPI document, generated
 * from `ReportInputSchema` so the shape and its limits are written once. `omit` leaves out fields
 * a route fills itself (the API's reporter is the token's user), `extra` adds a form's own fields.
 */
export function reportInputJsonSchema(
  opts: {
    omit?: InputField[];
    extra?: Record<string, object>;
    describe?: Partial<Record<InputField, string>>;
  } = {},
): Record<string, unknown> {
  const { $schema: _s, ...schema } = z.toJSONSchema(ReportInputSchema, { io: 'input' }) as {
    $schema?: string;
    properties: Record<string, Record<string, unknown>>;
    required: string[];
  };
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema.properties)) {
    if (opts.omit?.includes(k as InputField)) continue;
    const { default: _d, ...rest } = v;
    const text = opts.describe?.[k as InputField];
    properties[k] = text ? { ...rest, description: text } : rest;
  }
  return { ...schema, properties: { ...properties, ...opts.extra }, additionalProperties: false };
}

/**
 * A stored report as the input it would be filed with, cut to the input limits: what the report
 * page and an import's classification both ask the models, so the same report gets the same answer.
 */
export function inputFromReport(r: BugReport): ReportInput {
  const f = (v: string | null) => (v ? v.slice(0, REPORT_LIMITS.field) : undefined);
  const input: ReportInput = {
    summary: r.summary.slice(0, REPORT_LIMITS.summary) || '(no summary)',
    description: r.description.slice(0, REPORT_LIMITS.description),
  };
  const fields: [InputField, string | null][] = [
    ['product', r.filed.product],
    ['platform', r.platform],
    ['opSys', r.opSys],
    ['severity', r.filed.severity],
    ['reporter', r.reporter],
  ];
  for (const [k, v] of fields) {
    const x = f(v);
    if (x !== undefined) (input as Record<string, string>)[k] = x;
  }
  return input;
}

/** The source name of reports filed through eightball itself. */
export const LOCAL_SOURCE = 'eightball';

/** A stored report's tracker, or undefined for one filed through eightball (any tracker's). */
export function trackerOf(r: BugReport): string | undefined {
  return r.source !== LOCAL_SOURCE ? r.source : undefined;
}

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
