import type { MultilabelMetrics } from '../../evaluation/multilabel-metrics.ts';
import type { ModelSummaryRow, ModelVersionRow } from '../../store/index.ts';
import type { StoredMetrics } from '../../triage/index.ts';
import { storedMetrics } from '../../triage/stored-metrics.ts';
import { escapeHtml, html, pct, type SafeHtml } from '../html.ts';

/** One task's versions on the Models page. */
export function modelListSection(
  task: string,
  list: ModelSummaryRow[],
  admin: boolean,
  csrf: string,
): SafeHtml {
  return html`<section>
<h2>${task}</h2>
${
  list.length === 0
    ? html`<p>No version yet. Train one: <code>eightball train --task ${task}</code>.</p>`
    : html`<div class="scroll"><table>
<thead><tr><th scope="col">Version</th><th scope="col">Trained</th><th scope="col">Model</th><th scope="col">Accuracy</th><th scope="col">Macro-F1</th><th scope="col">Top-3</th><th scope="col">ECE</th><th scope="col">Threshold</th><th scope="col">State</th></tr></thead>
<tbody>${list.map((m) => {
        const x = storedMetrics(m.metrics, `${m.task} v${m.version}`);
        return html`<tr><td><a href="/models/${m.id}">v${m.version}</a></td><td>${m.created_at.slice(0, 16).replace('T', ' ')}</td><td>${m.description}</td>
<td>${pct(x.accuracy)}</td><td>${pct(x.macroF1)}</td><td>${pct(x.top3)}</td><td>${x.ece?.toFixed(3) ?? '–'}</td><td>${m.threshold.toFixed(2)}</td>
<td>${
          m.active === 1
            ? html`<strong>active</strong>`
            : admin
              ? html`<form method="post" action="/models/${m.id}/activate" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Activate v${m.version}</button></form>`
              : 'inactive'
        }</td></tr>`;
      })}</tbody></table></div>
${
  // only when there is an older version to go back to
  admin && list.some((m) => m.active === 1 && list.some((o) => o.version < m.version))
    ? html`<form method="post" action="/models/task/${task}/rollback" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Roll back ${task}</button></form>`
    : ''
}`
}
${admin ? html`<form method="post" action="/models/task/${task}/train" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Train ${task} now</button></form>` : ''}
</section>`;
}

/** A version's page: its figures, the threshold form (`csrf`: an admin's), and its report. */
export function modelPageHtml(m: ModelVersionRow, x: StoredMetrics, csrf: string | null): SafeHtml {
  const multilabel = x.multilabel as MultilabelMetrics | undefined;
  return html`<h1>${m.task} v${m.version} ${m.active === 1 ? html`<small>(active)</small>` : ''}</h1>
<dl class="meta">
<dt>Model</dt><dd>${m.description}</dd>
<dt>Label source</dt><dd>${m.label_source}</dd>
<dt>Validation</dt><dd>${x.nTrain} train / ${x.nTest} test reports (time split), ${x.classes} classes</dd>
${multilabel ? html`<dt>Exact label sets</dt><dd>${pct(multilabel.subsetAccuracy)}</dd><dt>Macro-F1 over labels</dt><dd>${pct(multilabel.macroF1)}</dd><dt>Micro-F1</dt><dd>${pct(multilabel.microF1)}</dd>` : html`<dt>Accuracy</dt><dd>${pct(x.accuracy)}</dd><dt>Macro-F1</dt><dd>${pct(x.macroF1)}</dd><dt>Top-3</dt><dd>${pct(x.top3)}</dd>`}
<dt>Threshold</dt><dd>${m.threshold.toFixed(3)}${x.threshold ? html` (chosen for cost ${x.threshold.cost}${x.threshold.chosenOn ? ` on ${x.threshold.chosenOn}` : ''}; on the test window${x.threshold.chosenOn ? ', which did not choose it,' : ''} it answers ${pct(x.threshold.coverage)} of reports at ${pct(x.threshold.precision)} precision)` : ''}</dd>
${x.droppedClasses && x.droppedClasses.length > 0 ? html`<dt>Dropped rare classes</dt><dd><details><summary>${x.droppedClasses.length} classes with fewer than 5 training reports</summary>${x.droppedClasses.map((d) => `${d.label} (${d.trainCount})`).join(', ')}</details></dd>` : ''}
</dl>
${
  csrf !== null
    ? html`<form method="post" action="/models/${m.id}/threshold" class="inline">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="threshold">Threshold</label> <input id="threshold" name="threshold" type="number" min="0" max="1" step="0.01" value="${m.threshold.toFixed(2)}" required>
<button type="submit">Set threshold</button></form>`
    : ''
}
<p><a href="/models/${m.id}/report">Open the evaluation report on its own page</a></p>
<iframe class="report" src="/models/${m.id}/report" title="Evaluation report of ${m.task} v${m.version}"></iframe>`;
}

/**
 * A multi-label version's evaluation report, drawn from its stored metrics: the whole answer's
 * figures and each label's, at the served threshold.
 */
export function multilabelReportHtml(m: MultilabelMetrics, title: string): string {
  const body = html`<h1>${title}</h1>
<p>${m.n} test reports, the newest quarter; each label asserted at or above ${pct(m.threshold)}.</p>
<table><tbody>
<tr><th scope="row">Exact label sets (subset accuracy)</th><td>${pct(m.subsetAccuracy)}</td></tr>
<tr><th scope="row">Hamming loss</th><td>${m.hammingLoss.toFixed(3)}</td></tr>
<tr><th scope="row">Micro precision / recall / F1</th><td>${pct(m.microPrecision)} / ${pct(m.microRecall)} / ${pct(m.microF1)}</td></tr>
<tr><th scope="row">Macro-F1 over labels</th><td>${pct(m.macroF1)}</td></tr>
<tr><th scope="row">Brier / ECE</th><td>${m.brier.toFixed(3)} / ${m.ece.toFixed(3)}</td></tr>
</tbody></table>
<h2>Each label</h2>
<table><thead><tr><th scope="col">Label</th><th scope="col">Test reports with it</th><th scope="col">Precision</th><th scope="col">Recall</th><th scope="col">F1</th><th scope="col">AUC</th><th scope="col">Brier</th></tr></thead>
<tbody>${m.perLabel.map(
    (l) =>
      html`<tr><td>${l.label}</td><td>${l.support}</td><td>${pct(l.precision)}</td><td>${pct(l.recall)}</td><td>${pct(l.f1)}</td><td>${l.auc === null ? '–' : l.auc.toFixed(3)}</td><td>${l.brier.toFixed(3)}</td></tr>`,
  )}</tbody></table>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}
