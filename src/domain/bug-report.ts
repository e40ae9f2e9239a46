/** The fields a triage decision may depend on, as they stood at one moment. */
export interface TriageFields {
  product: string | null;
  component: string | null;
  severity: string | null;
  type: string | null;
  priority: string | null;
}

/**
 * One report from any tracker, normalised. Dates are ISO-8601 UTC strings.
 * `filed` holds the triage fields as they were when the report was filed; where the source has no
 * history it equals the current values and `filedKnown` is false.
 */
export interface BugReport extends TriageFields {
  source: string;
  externalId: string;
  url: string | null;
  summary: string;
  description: string;
  platform: string | null;
  opSys: string | null;
  version: string | null;
  keywords: string[];
  status: string | null;
  resolution: string | null;
  reporter: string | null;
  assignee: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  labels: Record<string, string>;
  filed: TriageFields;
  filedKnown: boolean;
  raw: unknown;
}

export function currentTriageFields(r: TriageFields): TriageFields {
  return {
    product: r.product,
    component: r.component,
    severity: r.severity,
    type: r.type,
    priority: r.priority,
  };
}
