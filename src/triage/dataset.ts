import type { BugReport } from '../domain/index.ts';
import type { RawDoc } from '../ml/index.ts';

/** Fields whose value at filing time is known from history: features use that value. */
const FILED_FIELDS = new Set(['product', 'component', 'severity', 'type', 'priority']);

export const TEXT_FIELDS = ['summary', 'description'] as const;
export const META_FIELDS = [
  'product',
  'component',
  'severity',
  'priority',
  'platform',
  'opSys',
  'version',
  'keywords',
  'reporter',
  'type',
] as const;

/**
 * The label of a report for a task: a report field (`component`, `type`, `severity`...), both
 * `product::component`, or `labels.NAME`. Labels use the report's current values: where a
 * component was corrected after filing, the correction is the truth to learn.
 */
export function labelOf(r: BugReport, spec: string): string | null {
  if (spec === 'product::component') {
    return r.product && r.component ? `${r.product}::${r.component}` : null;
  }
  if (spec.startsWith('labels.')) return r.labels[spec.slice(7)] ?? null;
  const v = (r as unknown as Record<string, unknown>)[spec];
  if (Array.isArray(v)) return v.length > 0 ? v.join(' ') : null;
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

export function isKnownLabel(spec: string): boolean {
  return (
    spec === 'product::component' ||
    /^labels\.[A-Za-z0-9_.-]+$/.test(spec) ||
    (META_FIELDS as readonly string[]).includes(spec) ||
    ['status', 'resolution', 'assignee'].includes(spec)
  );
}

/** A text field of a report, '' when it has none. */
export function textOf(r: BugReport, field: string): string {
  const v = (r as unknown as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : '';
}

/**
 * A report as the learner sees it: its text, and its categorical fields as they were when it
 * was filed, so a model never learns from later triage.
 */
export function docOf(r: BugReport, textFields: readonly string[], metaFields: readonly string[]): RawDoc {
  const text: Record<string, string> = {};
  for (const f of textFields) text[f] = textOf(r, f);
  const meta: Record<string, string[]> = {};
  for (const f of metaFields) {
    const source = FILED_FIELDS.has(f)
      ? (r.filed as unknown as Record<string, unknown>)
      : (r as unknown as Record<string, unknown>);
    const v = source[f];
    meta[f] = Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : [];
  }
  return { text, meta };
}

/**
 * The metadata a model may use for a label without reading the answer off it: the one rule for
 * `evaluate`, `train` and every task (bench/RESULTS.md measured it).
 */
export function defaultMetaFields(label: string): string[] {
  const base = ['platform', 'opSys', 'severity'];
  if (label === 'component') base.push('product');
  // who files a report says where they work (their past reports are the training rows), not what
  // kind of report it is: +4.3 points top-1 on the Mozilla export's product::component, +1.5 on
  // NetBeans'; -1.2 macro-F1 on bug versus not a bug (bench/RESULTS.md)
  if (label === 'component' || label === 'product::component') base.push('reporter');
  return base.filter(
    (f) =>
      f !== label &&
      !(label === 'product::component' && (f === 'product' || f === 'component')) &&
      !(label === 'severity-enhancement' && f === 'severity'),
  );
}
