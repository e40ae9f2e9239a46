import type { BugReport, RecordError } from '../domain/index.ts';
import { optionalText, parseDate, text, textList } from './values.ts';

/** Fields a column or a JSON key can be mapped onto. `labels.NAME` targets are handled apart. */
export const MAPPABLE_FIELDS = [
  'externalId',
  'url',
  'summary',
  'description',
  'product',
  'component',
  'type',
  'severity',
  'priority',
  'platform',
  'opSys',
  'version',
  'keywords',
  'status',
  'resolution',
  'reporter',
  'assignee',
  'createdAt',
  'updatedAt',
] as const;

export type MappableField = (typeof MAPPABLE_FIELDS)[number];

export function isMappableField(s: string): s is MappableField {
  return (MAPPABLE_FIELDS as readonly string[]).includes(s);
}

/** The loose values a source found, before they are checked and normalised into a report. */
export type RawFields = Partial<Record<MappableField, unknown>> & { labels?: Record<string, unknown> };

export interface RecordContext {
  file: string;
  line: number;
  source: string;
  raw: unknown;
  text?: string | undefined;
}

/**
 * A description as text. Jira Cloud writes rich text as a document tree (Atlassian Document
 * Format: nodes with `text`), whose words are its text; any other object is refused rather than
 * stored as "[object Object]".
 */
function descriptionText(v: unknown): string | Error {
  if (v === null || typeof v !== 'object') return text(v);
  const o = v as Record<string, unknown>;
  if (o.type !== 'doc' || !Array.isArray(o.content))
    return new Error(`not text: a JSON ${Array.isArray(v) ? 'array' : 'object'}`);
  const parts: string[] = [];
  const stack: unknown[] = [o];
  while (stack.length > 0) {
    const n = stack.pop() as Record<string, unknown>;
    if (typeof n.text === 'string') parts.push(n.text);
    if (Array.isArray(n.content)) for (let i = n.content.length - 1; i >= 0; i--) stack.push(n.content[i]);
    if (n.type === 'paragraph' || n.type === 'hardBreak') parts.push('\n');
  }
  return text(parts.join('').trim());
}

/**
 * Check and normalise one record. Every rule that rejects a record lives here, so all sources
 * reject for the same reasons with the same words.
 */
export function buildReport(f: RawFields, ctx: RecordContext): BugReport | RecordError {
  const externalId = optionalText(f.externalId);
  const fail = (field: string, reason: string): RecordError => ({
    location: { file: ctx.file, line: ctx.line, id: externalId ?? undefined },
    field,
    reason,
    record: ctx.raw,
    text: ctx.text,
  });
  if (externalId === null) return fail('externalId', 'missing: the record has no id');
  if (externalId.length > 200) return fail('externalId', `longer than 200 characters`);
  if (f.summary !== null && typeof f.summary === 'object')
    return fail('summary', `not text: a JSON ${Array.isArray(f.summary) ? 'array' : 'object'}`);
  const summary = text(f.summary).trim();
  if (summary === '') return fail('summary', 'missing: a report needs a summary');
  const description = descriptionText(f.description);
  if (description instanceof Error) return fail('description', description.message);
  const createdAt = parseDate(f.createdAt);
  if (createdAt instanceof Error) return fail('createdAt', createdAt.message);
  const updatedAt = parseDate(f.updatedAt);
  if (updatedAt instanceof Error) return fail('updatedAt', updatedAt.message);
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.labels ?? {})) {
    const t = Array.isArray(v) ? textList(v).join(' ') : optionalText(v);
    if (t !== null) labels[k] = t;
  }
  const product = optionalText(f.product);
  const component = optionalText(f.component);
  const type = optionalText(f.type);
  const severity = optionalText(f.severity);
  const priority = optionalText(f.priority);
  // built in one literal: this runs for every record of every import, so no intermediate copies
  return {
    source: ctx.source,
    externalId,
    url: optionalText(f.url),
    summary,
    description,
    product,
    component,
    type,
    severity,
    priority,
    platform: optionalText(f.platform),
    opSys: optionalText(f.opSys),
    version: optionalText(f.version),
    keywords: textList(f.keywords),
    status: optionalText(f.status),
    resolution: optionalText(f.resolution),
    reporter: optionalText(f.reporter),
    assignee: optionalText(f.assignee),
    createdAt,
    updatedAt,
    labels,
    filed: { product, component, severity, type, priority },
    filedKnown: false,
    raw: ctx.raw,
  };
}
