import type { TriageFields } from '../domain/index.ts';

/** Bugzilla history field names (REST and older database names) for the triage fields. */
const HISTORY_FIELDS: Record<string, keyof TriageFields> = {
  product: 'product',
  component: 'component',
  severity: 'severity',
  bug_severity: 'severity',
  type: 'type',
  bug_type: 'type',
  priority: 'priority',
};

export interface HistoryEntry {
  when?: string;
  changes?: { field_name?: string; removed?: unknown; added?: unknown }[];
}

/**
 * The triage fields as they were when the bug was filed: for each field, the value removed by its
 * earliest change, or the current value if it never changed. Training on these means a model
 * never learns from the triage that happened after filing.
 */
export function fieldsAsFiled(current: TriageFields, history: HistoryEntry[] | undefined): TriageFields {
  const filed: TriageFields = { ...current };
  if (!history || history.length === 0) return filed;
  const seen = new Set<keyof TriageFields>();
  const ordered = [...history].sort((a, b) => String(a.when ?? '').localeCompare(String(b.when ?? '')));
  for (const entry of ordered) {
    for (const ch of entry.changes ?? []) {
      const field = HISTORY_FIELDS[ch.field_name ?? ''];
      if (!field || seen.has(field)) continue;
      seen.add(field);
      const removed = typeof ch.removed === 'string' ? ch.removed.trim() : '';
      filed[field] = removed === '' || removed === '---' || removed === '--' ? null : removed;
    }
  }
  return filed;
}
