import type { BugReport } from '../../domain/index.ts';
import type { Correction, ReportListItem, StoredCommit, StoredPrediction } from '../../store/index.ts';
import type { Classification, TaskKind } from '../../triage/index.ts';
import { html, type SafeHtml } from '../html.ts';
import type { ReportQuery } from '../report-query.ts';
import { classificationHtml, predictedCell } from './classification.ts';

/** A task as a page shows it: its name, and each report's label under its current label source. */
export interface TaskColumn {
  name: string;
  kind: TaskKind;
  actual: (r: BugReport) => string | null;
}

export function reportListHtml(d: {
  filter: Omit<ReportQuery, 'page'>;
  corrections: Map<number, Correction[]>;
  csrf: string;
  /** triagers see the checkboxes, bulk accept and batch classify */
  canTriage: boolean;
  sources: string[];
  page: number;
  pages: number;
  total: number;
  pageSize: number;
  items: ReportListItem[];
  preds: Map<number, StoredPrediction[]>;
  tasks: TaskColumn[];
  link: (page: number) => string;
}): SafeHtml {
  const f = d.filter;
  const opt = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${label}</option>`;
  const hiddenFilter = Object.entries(f)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => html`<input type="hidden" name="${k}" value="${String(v)}">`);
  const queueTask = f.task ?? 'component';
  const corrected = (id: number, task: string) => {
    const c = d.corrections.get(id)?.find((x) => x.task === task);
    return c
      ? html`<br><small class="${c.accepted ? 'ok' : 'fixed'}">${c.accepted ? `accepted` : `corrected: ${c.label}`}</small>`
      : '';
  };
  return html`<h1>Reports</h1>
<form method="get" action="/reports" class="filters" role="search">
<label for="q">Search</label><input id="q" name="q" value="${f.q ?? ''}" maxlength="200">
<label for="fproduct">Product</label><input id="fproduct" name="product" value="${f.product ?? ''}" maxlength="200">
<label for="fcomponent">Component</label><input id="fcomponent" name="component" value="${f.component ?? ''}" maxlength="200">
<label for="fsource">Source</label><select id="fsource" name="source">${opt('', 'any', f.source)}${d.sources.map((s) => opt(s, s, f.source))}</select>
<label><input type="checkbox" name="untriaged" value="1"${f.untriaged ? html` checked` : ''}> untriaged only</label>
<label for="ftask">Task</label><select id="ftask" name="task">${opt('', 'component', f.task)}${d.tasks.filter((t) => t.name !== 'component' && t.kind !== 'rank').map((t) => opt(t.name, t.name, f.task))}</select>
<label for="fneeds">Show</label><select id="fneeds" name="needs">${opt('', 'all', f.needs)}${opt('human', 'needs a human (abstained)', f.needs)}${opt('unclassified', 'not classified yet', f.needs)}${opt('uncorrected', 'not yet reviewed', f.needs)}</select>
<label for="fpredicted">Predicted</label><input id="fpredicted" name="predicted" value="${f.predicted ?? ''}" maxlength="200" placeholder="a label">
<button type="submit">Filter</button>
</form>
<p>${d.total} reports${d.total > d.pageSize ? html`, page ${d.page} of ${d.pages}` : ''}</p>
${
  d.canTriage
    ? html`<form method="post" action="/reports/classify-matching" class="inline">
<input type="hidden" name="_csrf" value="${d.csrf}">${hiddenFilter}
<button type="submit"${d.total === 0 ? html` disabled` : ''}>Classify the ${Math.min(d.total, 5000)} matching reports</button> <span class="hint">in batches, as a job; the answers appear here as they are stored</span></form>`
    : ''
}
<form method="post" action="/reports/bulk-accept" id="bulk">
<input type="hidden" name="_csrf" value="${d.csrf}"><input type="hidden" name="task" value="${queueTask}">
<div class="scroll"><table>
<thead><tr>${d.canTriage ? html`<th scope="col"><span class="sr">Select</span></th>` : ''}<th scope="col">#</th><th scope="col">Summary</th>${d.tasks.map(
    (t) => html`<th scope="col">Actual ${t.name}</th><th scope="col">Predicted ${t.name}</th>`,
  )}</tr></thead>
<tbody>${d.items.map(
    (
      r,
    ) => html`<tr>${d.canTriage ? html`<td><input type="checkbox" name="ids" value="${r.id}" aria-label="select report ${r.id}"></td>` : ''}<td><a href="/reports/${r.id}">${r.id}</a></td><td><a href="/reports/${r.id}">${r.summary}</a><br><small>${r.source}</small></td>
${d.tasks.map((t) => html`<td>${t.actual(r.report) ?? '–'}</td><td>${predictedCell(d.preds.get(r.id), t.name)}${corrected(r.id, t.name)}</td>`)}</tr>`,
  )}</tbody></table></div>
${d.canTriage && d.items.length > 0 ? html`<button type="submit">Accept the predicted ${queueTask} of the checked reports</button>` : ''}
</form>
<nav aria-label="Pages" class="pager">${d.page > 1 ? html`<a href="${d.link(d.page - 1)}" rel="prev">Newer</a>` : ''} ${d.page < d.pages ? html`<a href="${d.link(d.page + 1)}" rel="next">Older</a>` : ''}</nav>`;
}

interface DetailTask extends TaskColumn {
  /** what the Accept button offers: the stored prediction, else the live one */
  predicted: string | null;
  /** the labels the correction field suggests */
  known: string[];
}

function feedbackForms(id: number, t: DetailTask, csrf: string): SafeHtml {
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="task" value="${t.name}">`;
  return html`${
    t.predicted
      ? html`<form method="post" action="/reports/${id}/feedback" class="inline">
${hidden}
<input type="hidden" name="label" value="${t.predicted}"><input type="hidden" name="accepted" value="true">
<button type="submit">Accept ${t.predicted}</button></form>`
      : ''
  }
<form method="post" action="/reports/${id}/feedback" class="inline">
${hidden}
<input type="hidden" name="accepted" value="false">
<label class="sr" for="fix-${t.name}">Correct ${t.name}</label>
<input id="fix-${t.name}" name="label" list="classes-${t.name}" required maxlength="200" placeholder="${t.kind === 'multilabel' ? 'labels, comma-separated' : 'correct label'}">
<datalist id="classes-${t.name}">${t.known.map((k) => html`<option value="${k}"></option>`)}</datalist>
<button type="submit">Correct</button></form>`;
}

export function reportDetailHtml(d: {
  id: number;
  report: BugReport;
  stored: StoredPrediction[];
  corrections: Correction[];
  tasks: DetailTask[];
  live: Classification;
  canTriage: boolean;
  csrf: string;
  /** the commits that fixed it (a linked repository's, by the ids their messages name) */
  fixes?: StoredCommit[];
}): SafeHtml {
  const r = d.report;
  const row = (t: DetailTask) => {
    const c = d.corrections.find((x) => x.task === t.name);
    return html`<tr><th scope="row">${t.name}</th>
<td>${t.actual(r) ?? '–'}</td>
<td>${predictedCell(d.stored, t.name)}</td>
<td>${c ? html`${c.label} (${c.accepted ? 'accepted' : 'corrected'})` : '–'}</td>
<td>${d.canTriage ? feedbackForms(d.id, t, d.csrf) : ''}</td></tr>`;
  };
  return html`<h1>${r.summary}</h1>
<dl class="meta">
<dt>Source</dt><dd>${r.url && /^https?:\/\//i.test(r.url) ? html`<a href="${r.url}" rel="noopener noreferrer">${r.source}:${r.externalId}</a>` : `${r.source}:${r.externalId}`}</dd>
<dt>Product</dt><dd>${r.product ?? '–'}</dd><dt>Component</dt><dd>${r.component ?? '–'}</dd>
<dt>Type</dt><dd>${r.type ?? '–'}</dd><dt>Severity</dt><dd>${r.severity ?? '–'}</dd>
<dt>Platform</dt><dd>${r.platform ?? '–'} / ${r.opSys ?? '–'}</dd>
<dt>Filed</dt><dd>${r.createdAt ?? '–'}${r.reporter ? ` by ${r.reporter}` : ''}</dd>
</dl>
<h2>Description</h2>
<pre class="description">${r.description || '(none)'}</pre>
<h2>Predicted and actual</h2>
<div class="scroll"><table>
<thead><tr><th scope="col">Task</th><th scope="col">Actual</th><th scope="col">Predicted when filed</th><th scope="col">Triager's label</th><th scope="col">${d.canTriage ? 'Feedback' : ''}</th></tr></thead>
<tbody>${d.tasks.map(row)}</tbody></table></div>
${fixesHtml(d.fixes ?? [])}
<h2>The active models now</h2>
${classificationHtml(d.live)}`;
}

/** A report's fixing commits and the files each changed (renames shown from → to). */
function fixesHtml(fixes: StoredCommit[]): SafeHtml | string {
  if (fixes.length === 0) return '';
  const file = (f: StoredCommit['files'][number]) =>
    html`<li><code>${f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}</code> ${f.status}${f.added === null ? ' (binary)' : ` +${f.added} −${f.removed}`}</li>`;
  return html`<h2>Fixed by</h2>
${fixes.map(
  (c) => html`<section class="fix"><h3><code>${c.sha.slice(0, 12)}</code> ${c.subject}</h3>
<p class="p">${c.repo} · ${c.author} · ${c.committedAt}</p><ul>${c.files.slice(0, 50).map(file)}</ul>${c.files.length > 50 ? html`<p class="p">and ${c.files.length - 50} more files</p>` : ''}</section>`,
)}`;
}
