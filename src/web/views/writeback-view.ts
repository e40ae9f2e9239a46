import type { TrackerActionRow, WritebackRule } from '../../store/index.ts';
import type { DryRunReport } from '../../trackers/dry-run.ts';
import { html, type SafeHtml } from '../html.ts';

export interface WritebackPageData {
  rules: WritebackRule[];
  actions: TrackerActionRow[];
  /** stored sources eightball can write to, and the tasks */
  sources: string[];
  tasks: string[];
  dryRun?: DryRunReport | undefined;
  dryRunForm?: { source?: string; task?: string; last?: number; threshold?: number };
}

const pct = (p: number | null) => (p === null ? '–' : `${(p * 100).toFixed(1)}%`);

/** Rules per source and task, a dry run, and every action taken with its undo button. */
export function writebackPageHtml(csrf: string, d: WritebackPageData): SafeHtml {
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  const select = (id: string, name: string, options: string[], current?: string) =>
    html`<select id="${id}" name="${name}">${options.map((o) => html`<option value="${o}"${o === current ? html` selected` : ''}>${o}</option>`)}</select>`;
  const f = d.dryRunForm ?? {};
  return html`<h1>Write-back to the trackers</h1>
<p>Per source and task: <strong>off</strong>, <strong>suggest</strong> (one comment with the likeliest answers, edited when they change) or <strong>apply</strong> (set the component or add the label when the top answer reaches the threshold, and say so in a comment).
eightball acts only on untriaged reports, never after a person changed that field, never back into a component a person moved it out of, and never twice on one decision. Try a dry run before turning <strong>apply</strong> on. How to connect each tracker: <code>docs/trackers/</code>.</p>

<section><h2>Rules</h2>
<div class="scroll"><table><thead><tr><th scope="col">Source</th><th scope="col">Task</th><th scope="col">Mode</th><th scope="col">Threshold</th><th scope="col">Untriaged means</th><th scope="col">Below the threshold</th></tr></thead><tbody>
${d.rules.map(
  (r) =>
    html`<tr><td>${r.source}</td><td>${r.task}</td><td>${r.mode}</td><td>${r.threshold}${
      Object.keys(r.labelThresholds).length
        ? html` (${Object.entries(r.labelThresholds)
            .map(([l, p]) => `${l} ${p}`)
            .join(', ')})`
        : ''
    }</td><td>${r.untriaged.map((u) => u || '(empty)').join(', ') || 'none of the task’s labels yet'}</td><td>${r.needsTriageLabel ?? 'nothing'}</td></tr>`,
)}
</tbody></table></div>
${d.sources.length === 0 ? html`<p class="hint">No Bugzilla, GitHub or Jira reports are stored yet: import some, or add the tracker as a data source.</p>` : ''}
<form method="post" action="/admin/writeback/rules" class="inline">${hidden}
<label for="wb-source">Source</label> ${select('wb-source', 'source', d.sources)}
<label for="wb-task">task</label> ${select('wb-task', 'task', d.tasks)}
<label for="wb-mode">mode</label> ${select('wb-mode', 'mode', ['off', 'suggest', 'apply'])}
<label for="wb-threshold">threshold</label> <input id="wb-threshold" name="threshold" inputmode="decimal" pattern="0?\\.[0-9]+|1|0" value="0.8" size="5">
<label for="wb-untriaged">untriaged (comma-separated)</label> <input id="wb-untriaged" name="untriaged" maxlength="500" placeholder="General, Untriaged">
<label for="wb-ntl">needs-triage label</label> <input id="wb-ntl" name="needsTriageLabel" maxlength="100">
<button type="submit">Save rule</button></form>
</section>

<section><h2>Dry run</h2>
<form method="get" action="/admin/writeback" class="inline">
<input type="hidden" name="dryRun" value="1">
<label for="dr-source">Source</label> ${select('dr-source', 'source', d.sources, f.source)}
<label for="dr-task">task</label> ${select('dr-task', 'task', d.tasks, f.task)}
<label for="dr-last">last</label> <input id="dr-last" name="last" type="number" min="1" max="2000" value="${String(f.last ?? 100)}">
<label for="dr-threshold">threshold</label> <input id="dr-threshold" name="threshold" inputmode="decimal" value="${String(f.threshold ?? 0.8)}" size="5">
<button type="submit">What would apply do?</button></form>
${d.dryRun ? dryRunHtml(d.dryRun) : ''}
</section>

<section><h2>Actions</h2>
<div class="scroll"><table><thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Report</th><th scope="col">What</th><th scope="col">Sure</th><th scope="col">State</th><th scope="col"></th></tr></thead><tbody>
${d.actions.map(
  (
    a,
  ) => html`<tr><td>${a.id}</td><td>${a.created_at.slice(0, 19).replace('T', ' ')}</td><td><a href="/reports/${a.report_id}">${a.source} #${a.report_id}</a></td><td>${a.kind} ${a.decision}: ${a.message}</td><td>${Math.round(a.probability * 100)}%</td><td>${a.state}${a.undone_at ? ` ${a.undone_at.slice(0, 16)}` : ''}</td>
<td>${a.state === 'done' && a.kind !== 'comment' ? html`<form method="post" action="/admin/writeback/actions/${a.id}/undo" class="inline">${hidden}<button type="submit">Undo</button></form>` : ''}</td></tr>`,
)}
</tbody></table></div>
${d.actions.length === 0 ? html`<p class="hint">Nothing done in a tracker yet.</p>` : ''}
</section>`;
}

function dryRunHtml(r: DryRunReport): SafeHtml {
  return html`<p role="status"><strong>${r.rows.length}</strong> reports of ${r.source}: apply would act on <strong>${r.acted}</strong>, precision <strong>${pct(r.precision)}</strong> against what people decided;
on the ${r.rows.filter((x) => !x.seenInTraining).length} filed after the model was trained: ${r.unseenActed} acts, precision <strong>${pct(r.unseenPrecision)}</strong> (the figure to trust: the model may have learnt from the others).</p>
<div class="scroll"><table><thead><tr><th scope="col">Report</th><th scope="col">Would</th><th scope="col">People decided</th><th scope="col">Right?</th></tr></thead><tbody>
${r.rows.map(
  (x) =>
    html`<tr><td>${x.url ? html`<a href="${x.url}">${x.externalId}</a>` : x.externalId} ${x.summary.slice(0, 80)}</td><td>${x.act ? `${x.act.kind} ${x.act.decision} (${Math.round(x.act.probability * 100)}%)` : `nothing: ${x.reasons.at(-1) ?? ''}`}</td><td>${x.decided ?? '–'}</td><td>${x.right === null ? '' : x.right ? 'yes' : 'no'}</td></tr>`,
)}
</tbody></table></div>`;
}
