import { EightballError } from '../../domain/index.ts';

/**
 * How a label source's values become a task's labels, rule by rule in the order given: `FROM=TO`
 * renames a value, `FROM=` drops it, `PREFIX*=TO` matches every value starting with PREFIX, and
 * `*=TO` (or `*=`) says what becomes of every value no rule names. Without a `*` rule, values no
 * rule names are kept as they are.
 */
export interface LabelRule {
  from: string;
  /** '' drops the value */
  to: string;
}

export type LabelMap = LabelRule[];

const MAX_RULES = 200;

/** `crash=crash,topcrash=crash,sec-*=security,*=` as rules; a usage error names the bad one. */
export function parseLabelMap(text: string): LabelMap {
  const rules: LabelMap = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw EightballError.about(
        'labelMap',
        'usage',
        `label map: "${item}" is not FROM=TO (FROM= drops a value, PREFIX*=TO matches a prefix, *=TO every other value)`,
      );
    const from = item.slice(0, eq).trim();
    const to = item.slice(eq + 1).trim();
    if (from.length > 200 || to.length > 200)
      throw EightballError.about(
        'labelMap',
        'usage',
        `label map: "${item.slice(0, 40)}…" is longer than 200 characters`,
      );
    if (from.indexOf('*') >= 0 && from.indexOf('*') !== from.length - 1)
      throw EightballError.about('labelMap', 'usage', `label map: "${from}": * may only end a value`);
    rules.push({ from, to });
  }
  if (rules.length > MAX_RULES)
    throw EightballError.about(
      'labelMap',
      'usage',
      `label map: at most ${MAX_RULES} rules (got ${rules.length})`,
    );
  return rules;
}

export function formatLabelMap(map: LabelMap): string {
  return map.map((r) => `${r.from}=${r.to}`).join(',');
}

function matches(rule: LabelRule, value: string): boolean {
  if (rule.from === '*') return true;
  return rule.from.endsWith('*') ? value.startsWith(rule.from.slice(0, -1)) : value === rule.from;
}

/** The value under the map: the first rule that matches it decides (null: dropped). */
export function mapLabel(map: LabelMap, value: string): string | null {
  if (map.length === 0) return value;
  // exact names first, so `crash=crash` wins over a `*=` written before it
  const rule =
    map.find((r) => r.from === value) ??
    map.find((r) => r.from !== '*' && matches(r, value)) ??
    map.find((r) => r.from === '*');
  if (!rule) return value;
  return rule.to === '' ? null : rule.to;
}
