import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../evaluation/charts.ts';
import { escapeHtml } from '../evaluation/report-html.ts';
import type { FilesEvaluation } from './evaluate-files.ts';

const f3 = (v: number) => v.toFixed(3);

/** The top-k curve: the share of reports with a fixed file among the first k answers. */
export async function topKChart(e: FilesEvaluation): Promise<string> {
  const spec = {
    title: 'a fixed file among the first k',
    width: 420,
    height: 260,
    data: { values: e.topK.map((v, i) => ({ k: i + 1, share: v })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'k', type: 'quantitative', title: 'k (files shown)' },
      y: { field: 'share', type: 'quantitative', title: 'share of reports', scale: { domain: [0, 1] } },
    },
  } as TopLevelSpec;
  return renderSvg(spec);
}

/** The JSON `evaluate --task files --json` prints: the figures, not the per-report rows. */
export function filesJson(e: FilesEvaluation): object {
  const { rows: _r, ...figures } = e;
  return figures;
}

/** One self-contained page: the figures, the top-k curve and a table of every test report. */
export async function filesHtml(e: FilesEvaluation, title: string, generated = new Date()): Promise<string> {
  const summary = [
    ['test reports ranked', e.nTest],
    ['left out (no fixed file at that revision)', e.nSkipped],
    ['learnt from (earlier reports)', e.nTrain],
    [
      'candidates',
      e.mode === 'source'
        ? `source files (median ${e.filesPerRevision} a revision)`
        : 'files earlier fixes touched',
    ],
    ['revision', e.revision],
    ['top-1', f3(e.top1)],
    ['top-5', f3(e.top5)],
    ['top-10', f3(e.top10)],
    ['MAP', f3(e.map)],
    ['MRR', f3(e.mrr)],
    ['learning seconds', e.fitSeconds.toFixed(1)],
    ['ranking ms (p50 / p99)', `${e.rankMsP50.toFixed(1)} / ${e.rankMsP99.toFixed(1)}`],
  ]
    .map(([k, v]) => `<tr><th>${escapeHtml(String(k))}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join('');
  const weights = Object.entries(e.weights)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v.toFixed(3)}</td></tr>`)
    .join('');
  const rows = e.rows
    .map((r) => {
      const first = r.ranks[0] ?? null;
      const truth = new Set(r.truth);
      const top = r.top
        .slice(0, 5)
        .map(
          (t) =>
            `<li${truth.has(t.path) ? ' class="hit"' : ''}>${escapeHtml(t.path)} <span class="why">${escapeHtml(t.why.join('; '))}</span></li>`,
        )
        .join('');
      return `<tr><td>${escapeHtml(r.id)}</td><td>${escapeHtml(r.summary)}</td><td>${first ?? '–'}</td><td><ol>${top}</ol></td><td>${r.truth.map(escapeHtml).join('<br>')}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.hit{font-weight:600;color:#0a6b2d}.why{color:#666;font-size:12px}ol{margin:0;padding-left:1.2rem}
.cols{display:flex;gap:2rem;flex-wrap:wrap}svg{max-width:100%;height:auto}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Generated ${escapeHtml(generated.toISOString())} by eightball. The newest 25% of the reports by filing time, each ranked learning only from fixes committed before it was filed; the weights learnt on the older reports the same way.</p>
<div class="cols"><table>${summary}</table><figure>${await topKChart(e)}</figure><table><tr><th>feature</th><th>weight</th></tr>${weights}</table></div>
<h2>Every test report</h2>
<table><tr><th>report</th><th>summary</th><th>first fixed file at</th><th>first five answers (fixed ones in green)</th><th>fixed files</th></tr>
${rows}</table>
</body></html>
`;
}
