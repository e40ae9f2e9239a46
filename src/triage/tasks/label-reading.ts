import type { BugReport } from '../../domain/index.ts';
import { isKnownLabel, labelOf } from '../dataset.ts';

/**
 * Where a task's labels come from: `type`, `severity` or any report field; `product::component`;
 * `labels.NAME` from a labels file; `severity-enhancement`: "enhancement" where Bugzilla's severity
 * says so, else "defect" (trackers that predate Bugzilla's type field). Corrections made in
 * eightball always win over all of them.
 */
export function isLabelSource(s: string): boolean {
  return s === 'severity-enhancement' || isKnownLabel(s);
}

export function labelFromSource(r: BugReport, source: string): string | null {
  if (source === 'severity-enhancement') {
    if (!r.severity) return null;
    return r.severity.toLowerCase() === 'enhancement' ? 'enhancement' : 'defect';
  }
  return labelOf(r, source);
}

/** A one-label task's label: the source's value, as a list of one. */
export function oneLabel(r: BugReport, source: string): string[] | null {
  const l = labelFromSource(r, source);
  return l === null ? null : [l];
}

/**
 * A multi-label task's values: a list field (keywords) as it is, empty included (a report with no
 * keyword is a "none of them"); a text field or a labels-file column split on `,`, `;` or `|`.
 * Null when the report has no such field at all.
 */
export function labelSetFromSource(r: BugReport, source: string): string[] | null {
  if (!source.startsWith('labels.') && source !== 'product::component') {
    const v = (r as unknown as Record<string, unknown>)[source];
    if (Array.isArray(v)) return [...new Set(v.map(String).filter((x) => x.trim() !== ''))];
  }
  const one = labelFromSource(r, source);
  if (one === null) return null;
  return [
    ...new Set(
      one
        .split(/[,;|]/)
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    ),
  ];
}
