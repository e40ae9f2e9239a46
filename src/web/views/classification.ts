import type { StoredPrediction } from '../../store/index.ts';
import type { Classification, TaskAnswer } from '../../triage/index.ts';
import { html, pct, type SafeHtml } from '../html.ts';

/** A rank answer (files): the likeliest files with why and a link, and the sections of code. */
function filesHtml(a: TaskAnswer, compact: boolean): SafeHtml {
  const files = (a.files ?? []).slice(0, compact ? 5 : 10);
  return html`<section class="answer files" aria-label="${a.task}" data-task="${a.task}">
<h3>${a.task}: where the fix will likely be</h3>
<ol class="ranking">${files.map(
    (f) =>
      html`<li><span class="bar" style="width:${Math.round(f.probability * 100)}%"></span><span class="lbl">${f.url ? html`<a href="${f.url}" rel="noopener noreferrer">${f.path}</a>` : f.path}</span> <span class="p">${pct(f.probability)}</span>${compact ? '' : html`<br><span class="why">${f.why.join('; ')}</span>`}</li>`,
  )}</ol>
${(a.sections ?? []).length > 0 ? html`<p class="why">Sections: ${(a.sections ?? []).slice(0, compact ? 3 : 5).map((s) => html`<code>${s.path}</code> ${pct(s.probability)}`)}</p>` : ''}
</section>`;
}

function heading(a: TaskAnswer): SafeHtml {
  if (a.kind === 'multilabel')
    return a.needsHuman
      ? html`${a.task}: <span class="abstain">needs a human</span> <span class="p">(${a.labels.length > 0 ? `${a.labels.join(', ')} likely; ` : ''}a label between ${pct(1 - a.threshold)} and ${pct(a.threshold)})</span>`
      : html`${a.task}: <strong>${a.label}</strong> <span class="p">(each label from ${pct(a.threshold)})</span>`;
  return a.needsHuman
    ? html`${a.task}: <span class="abstain">needs a human</span> <span class="p">(best ${pct(a.probability)}, below the ${pct(a.threshold)} threshold)</span>`
    : html`${a.task}: <strong>${a.label}</strong> ${pct(a.probability)}`;
}

/**
 * A classification as the pages show it, rendered here only: the report page and the live
 * suggestions panel (which asks `/suggest` for this as HTML) draw the same markup. `compact`: the
 * top label's reasons only, as fits a panel beside a form being typed in.
 */
export function classificationHtml(c: Classification, opts: { compact?: boolean } = {}): SafeHtml {
  const tasks = Object.values(c.answers);
  if (tasks.length === 0)
    return html`<p>No model is active yet: a triager trains one with <code>eightball train</code>.</p>`;
  return html`${tasks.map((a) =>
    a.kind === 'rank'
      ? filesHtml(a, opts.compact === true)
      : html`<section class="answer" aria-label="${a.task}" data-task="${a.task}">
<h3>${heading(a)}</h3>
<ol class="ranking">${a.ranking
          .slice(0, a.kind === 'multilabel' ? 6 : 3)
          .map(
            (r) =>
              html`<li><span class="bar" style="width:${Math.round(r.probability * 100)}%"></span><span class="lbl">${r.label}</span> <span class="p">${pct(r.probability)}</span></li>`,
          )}</ol>
${a.explanation
  .slice(0, opts.compact ? 1 : undefined)
  .filter((e) => e.reasons.length > 0)
  .map(
    (e) =>
      html`<p class="why">Why ${e.label}: ${e.reasons.slice(0, opts.compact ? 3 : undefined).join('; ')}</p>`,
  )}
</section>`,
  )}
${
  c.similar.length > 0
    ? html`<section class="similar"><h3>Similar reports</h3><ul>${c.similar.map(
        (s) =>
          html`<li><a href="/reports/${s.id}">${s.summary}</a> <span class="p">${pct(s.similarity)}</span></li>`,
      )}</ul></section>`
    : ''
}`;
}

/** A stored prediction in a table cell: the label and its probability, or the best guess marked. */
export function predictedCell(preds: StoredPrediction[] | undefined, task: string): SafeHtml {
  const p = preds?.find((x) => x.task === task);
  if (!p) return html`–`;
  return p.abstained
    ? html`<span class="abstain">? ${p.ranking[0]?.label ?? ''}</span>`
    : html`${p.label} <span class="p">${pct(p.probability)}</span>`;
}
