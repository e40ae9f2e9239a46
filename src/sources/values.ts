/** Small, shared normalisers for values that arrive in many shapes. */

// PostgreSQL text cannot hold NUL, and no tracker means one: drop it on the way in.
const NUL = /\u0000/g;

const NO_VALUE = new Set(['', '---', '--', 'n/a', 'none', 'null', 'undefined']);

/** Trimmed text, or null where the tracker means "no value" ('---' in Bugzilla, empty in CSV). */
export function optionalText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // Jira and GitHub wrap names in objects: {name}, {value}, {login}, {displayName}.
    for (const k of ['name', 'value', 'login', 'displayName', 'email']) {
      if (typeof o[k] === 'string') return optionalText(o[k]);
    }
    return null;
  }
  const s = String(v).replace(NUL, '').trim();
  return NO_VALUE.has(s.toLowerCase()) ? null : s;
}

export function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  return String(v).replace(NUL, '');
}

export function textList(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) {
    return v.map((x) => optionalText(x)).filter((x): x is string => x !== null);
  }
  if (typeof v === 'string') {
    return v
      .split(/[,\s]+/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }
  const one = optionalText(v);
  return one ? [one] : [];
}

const TZ_SUFFIX = /\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)$/i;

/**
 * Parse the date shapes trackers write: ISO-8601, Bugzilla's "2019-11-28 01:50:26 -0800",
 * Jira's "2007-04-30T21:09:36.137+0000", epoch seconds. A date without a zone is taken as UTC,
 * because that is what the dumps we know mean. Returns an ISO string, or an Error saying why not.
 */
export function parseDate(v: unknown): string | null | Error {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return new Error(`not a date: ${v}`);
    return new Date(v < 1e11 ? v * 1000 : v).toISOString();
  }
  const s = String(v).trim();
  if (s === '') return null;
  if (/^\d{9,13}$/.test(s)) return parseDate(Number(s));
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(.*)$/.exec(s);
  if (!m) return new Error(`not a date: "${s}"`);
  const [, year, month, dayOfMonth, rawTime, rest] = m;
  // Date.parse rolls 2020-02-30 over to March 1st: a day that does not exist is an error
  const mo = Number(month);
  const d = Number(dayOfMonth);
  if (mo < 1 || mo > 12) return new Error(`not a date: "${s}" (no month ${mo})`);
  const inMonth = new Date(Date.UTC(Number(year), mo, 0)).getUTCDate();
  if (d < 1 || d > inMonth)
    return new Error(`not a date: "${s}" (${year}-${month!.padStart(2, '0')} has ${inMonth} days)`);
  const day = `${year}-${month!.padStart(2, '0')}-${dayOfMonth!.padStart(2, '0')}`;
  const time = rawTime?.padStart(rawTime.indexOf(':') === 1 ? rawTime.length + 1 : rawTime.length, '0');
  let zone = (rest ?? '').trim();
  if (zone !== '' && !TZ_SUFFIX.test(zone)) return new Error(`not a date: "${s}"`);
  if (zone === '' || /^(UTC|GMT)$/i.test(zone)) zone = 'Z';
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const iso = `${day}T${time ?? '00:00:00'}${zone.toUpperCase() === 'Z' ? 'Z' : zone}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return new Error(`not a date: "${s}"`);
  return new Date(t).toISOString();
}
