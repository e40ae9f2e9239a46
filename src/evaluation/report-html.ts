import type { Chart } from './charts.ts';
import type { ClassificationMetrics } from './metrics.ts';

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '–' : v.toFixed(d));

export interface ReportSection {
  title: string;
  summary: Record<string, string | number | null>;
  metrics: ClassificationMetrics;
  charts: Chart[];
  notes?: string[];
}

function table(head: string[], rows: (string | number)[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function section(s: ReportSection): string {
  const m = s.metrics;
  const summary = table(
    ['measure', 'value'],
    Object.entries(s.summary).map(([k, v]) => [
      k,
      typeof v === 'number' ? (Number.isInteger(v) ? String(v) : fmt(v)) : (v ?? '–'),
    ]),
  );
  const perClass = table(
    ['class', 'precision', 'recall', 'F1', 'support', 'AUC', 'AP'],
    [...m.perClass]
      .sort((a, b) => b.support - a.support)
      .map((c) => [
        c.label,
        fmt(c.precision),
        fmt(c.recall),
        fmt(c.f1),
        c.support,
        fmt(c.auc),
        fmt(c.averagePrecision),
      ]),
  );
  const coverage = table(
    ['threshold', 'coverage', 'precision'],
    m.coverage.map((c) => [fmt(c.threshold, 2), fmt(c.coverage), fmt(c.precision)]),
  );
  const charts = s.charts
    .map(
      (c) =>
        `<figure id="${escapeHtml(c.id)}"><figcaption>${escapeHtml(c.title)}</figcaption>${c.svg}</figure>`,
    )
    .join('\n');
  const notes = (s.notes ?? []).map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  return `<section><h2>${escapeHtml(s.title)}</h2>${notes ? `<ul class="notes">${notes}</ul>` : ''}
<div class="cols"><div>${summary}</div><div><h3>Abstaining below a threshold</h3>${coverage}</div></div>
<div class="charts">${charts}</div>
<h3>Per class</h3>${perClass}</section>`;
}

/** One self-contained page: tables and inline SVG charts, no script, no external resource. */
/** `notes`: what the page as a whole must say before its sections (e.g. groups left out). */
export function renderReportHtml(
  title: string,
  sections: ReportSection[],
  generated = new Date(),
  notes: string[] = [],
): string {
  const pageNotes =
    notes.length > 0
      ? `<ul class="notes">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>\n`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{border-bottom:1px solid #ddd;padding-bottom:.3rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}
.cols{display:flex;gap:2rem;flex-wrap:wrap}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem;max-width:480px}.notes{color:#555}
svg{max-width:100%;height:auto}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Generated ${escapeHtml(generated.toISOString())} by eightball.</p>
${pageNotes}${sections.map(section).join('\n')}
</body></html>
`;
}
