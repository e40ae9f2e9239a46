import type { BugReport } from '../domain/index.ts';
import { MAPPABLE_FIELDS, type MappableField } from './report-fields.ts';

/**
 * The most of each field a stored report keeps (documented in the README). Past these a report is
 * no longer text a person files: a pasted log of 50 MB made an 882 MB import and a 52 MB page.
 * What is cut is said, with the record's place, never done silently.
 */
export const FIELD_LIMITS = {
  summary: 1_000,
  description: 1_048_576,
  /** product, component, severity, version, reporter, ... */
  other: 1_000,
  keywords: 100,
  /** the original record kept beside the fields (JSON characters) */
  raw: 2_097_152,
} as const;

/** Every one-line field: what a column can feed but the text, the dates, the id and the keywords. */
const SHORT_FIELDS = MAPPABLE_FIELDS.filter(
  (
    f,
  ): f is Exclude<
    MappableField,
    'externalId' | 'summary' | 'description' | 'keywords' | 'createdAt' | 'updatedAt'
  > => !['externalId', 'summary', 'description', 'keywords', 'createdAt', 'updatedAt'].includes(f),
);

/** Cut what is over the limits, in place; one message per field cut. */
export function enforceFieldLimits(r: BugReport, recordText?: string): string[] {
  const notes: string[] = [];
  const cut = (field: string, value: string, max: number): string => {
    if (value.length <= max) return value;
    notes.push(
      `${field}: ${value.length.toLocaleString('en')} characters, cut to the first ${max.toLocaleString('en')}`,
    );
    return value.slice(0, max);
  };
  r.summary = cut('summary', r.summary, FIELD_LIMITS.summary);
  r.description = cut('description', r.description, FIELD_LIMITS.description);
  for (const f of SHORT_FIELDS) {
    const v = r[f];
    if (typeof v === 'string') r[f] = cut(f, v, FIELD_LIMITS.other);
  }
  for (const [k, v] of Object.entries(r.labels)) r.labels[k] = cut(`labels.${k}`, v, FIELD_LIMITS.other);
  if (r.keywords.length > FIELD_LIMITS.keywords) {
    notes.push(`keywords: ${r.keywords.length} of them, the first ${FIELD_LIMITS.keywords} kept`);
    r.keywords = r.keywords.slice(0, FIELD_LIMITS.keywords);
  }
  r.keywords = r.keywords.map((k) => cut('keywords', k, FIELD_LIMITS.other));
  // the record's own text is its size where the source kept it: serialising every record once
  // more only to measure it would cost an import a second JSON pass
  const known = recordText?.length;
  if (r.raw !== null && (known === undefined || known > FIELD_LIMITS.raw)) {
    const size = JSON.stringify(r.raw).length;
    if (size > FIELD_LIMITS.raw) {
      notes.push(`the original record: ${size.toLocaleString('en')} characters, not kept (its fields are)`);
      r.raw = { omitted: `the original record was ${size} characters` };
    }
  }
  return notes;
}
