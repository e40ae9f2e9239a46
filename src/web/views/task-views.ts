import type { ModelSummaryRow } from '../../store/index.ts';
import { SENTENCE_ENCODER, type TaskDefinition, type TaskSettings } from '../../triage/index.ts';
import { html, type SafeHtml } from '../html.ts';

/** the objectives a team may judge its task's model search by, in words */
const OBJECTIVE_CHOICES: [string, string][] = [
  ['topk', 'top-1 and top-3 accuracy'],
  ['accuracy', 'top-1 accuracy'],
  ['macroF1', 'macro-F1 (every label alike)'],
  ['mean', 'accuracy and macro-F1 alike'],
];

export /** What the new-task form showed when it came back with a mistake. */
interface TaskForm {
  name?: string;
  labelSource?: string;
  labelMap?: string;
  multilabel?: string;
  description?: string;
  error?: string;
}

/** One task on the tasks page: its definition, settings, active version and label map. */
export interface TaskRowData {
  t: TaskDefinition;
  s: TaskSettings;
  active: ModelSummaryRow | undefined;
  map: string;
}

/** The tasks page: every task's settings form, removal of a team's, and the new-task form. */
export function tasksPageHtml(csrf: string, tasks: TaskRowData[], form: TaskForm = {}): SafeHtml {
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  const v = (k: keyof TaskForm) => form[k] ?? '';
  const invalid = (k: string) => (form.error === k ? html` aria-invalid="true" autofocus` : '');
  return html`<h1>Tasks</h1>
<p class="hint">Each task is a question eightball answers about every report. Label source: <code>type</code>, <code>severity-enhancement</code>, <code>product::component</code>, <code>labels.NAME</code> (a labels file) or another report field. What a task is judged by chooses its model: top-1 and top-3 accuracy where a person reads the first few answers (with the classes' real frequencies learnt on held-out reports), macro-F1 where a rare label matters as much as a common one. The cost of a wrong answer (a right one earns 1, abstaining 0) sets the next training's threshold; a model's threshold can be changed on its page. A sentence encoder (${SENTENCE_ENCODER}: Universal Sentence Encoder lite, bundled) lets the next training also try its vectors of each report: it helps small trackers, costs about 80 ms a report to train and to answer. Several trackers in one store: a report imported from one is answered among the labels of that tracker's reports, with that tracker's similar reports, unless the task pools them.</p>
${tasks.map(
  ({
    t,
    s,
    active,
    map,
  }) => html`<section aria-label="${t.name}"><h2>${t.name} <span class="p">${t.kind}${t.builtIn ? ', built in' : ''}${active ? `, v${active.version} active` : ', no active model'}</span></h2>
<p>${t.description}${map ? html` · label map <code>${map}</code>` : ''}</p>
<form method="post" action="/admin/tasks/${t.name}" class="inline">${hidden}
<label for="src-${t.name}">label source</label> <input id="src-${t.name}" name="labelSource" value="${s.labelSource}" required maxlength="100">
<label for="cost-${t.name}">cost of a wrong answer</label> <input id="cost-${t.name}" name="cost" type="number" min="0" max="100" step="0.1" value="${s.cost}" required>
${t.kind !== 'rank' ? html`<label for="srcs-${t.name}">several trackers</label> <select id="srcs-${t.name}" name="sources"><option value="apart"${s.sources === 'apart' ? ' selected' : ''}>each answered among its own labels</option><option value="pooled"${s.sources === 'pooled' ? ' selected' : ''}>pooled</option></select>` : ''}
${t.kind === 'classify' ? html`<label for="obj-${t.name}">judged by</label> <select id="obj-${t.name}" name="objective">${OBJECTIVE_CHOICES.map(([value, words]) => html`<option value="${value}"${s.objective === value ? ' selected' : ''}>${words}</option>`)}</select>` : ''}
<label for="enc-${t.name}">sentence encoder</label> <select id="enc-${t.name}" name="sentenceEncoder"><option value="none">none</option><option value="${SENTENCE_ENCODER}"${s.sentenceEncoder === SENTENCE_ENCODER ? ' selected' : ''}>${SENTENCE_ENCODER}</option></select>
<button type="submit">Save ${t.name}</button></form>
${t.builtIn ? '' : html`<form method="post" action="/admin/tasks/${t.name}/remove" class="inline">${hidden}<button type="submit">Remove ${t.name}</button></form>`}
</section>`,
)}
<section><h2>A task of your own</h2>
<p class="hint">Labels from a report field or a labels file, mapped if you like: <code>FROM=TO</code> renames a value, <code>FROM=</code> drops it, <code>PREFIX*=TO</code> matches a prefix, <code>*=TO</code> (or <code>*=</code>) says what becomes of every other value. Multi-label: a report may carry several labels (crash and security), each a yes or no of its own. Train it from the Models page or with <code>eightball train --task NAME</code>.</p>
<form method="post" action="/admin/tasks" class="stack">${hidden}
<label for="t-name">Name</label> <input id="t-name" name="name" required maxlength="40" pattern="[a-z][a-z0-9\\-]{0,39}" title="lower-case letters, digits and dashes, starting with a letter" value="${v('name')}"${invalid('name')}>
<label for="t-src">Label source</label> <input id="t-src" name="labelSource" required maxlength="100" placeholder="labels.category" value="${v('labelSource')}"${invalid('labelSource')}>
<label for="t-map">Label map</label> <input id="t-map" name="labelMap" maxlength="4000" placeholder="crash=crash,sec-*=security,*=" value="${v('labelMap')}"${invalid('labelMap')}>
<label for="t-desc">Description</label> <input id="t-desc" name="description" maxlength="200" value="${v('description')}">
<label><input type="checkbox" name="multilabel" value="true"${form.multilabel === 'true' ? html` checked` : ''}> several labels per report</label>
<button type="submit">Add task</button></form>
</section>`;
}
