import type { subscriptionsOf } from '../../store/index.ts';
import { html, type SafeHtml } from '../html.ts';

/** The watch page: a user's watches, and the form for another. */
export function watchPageHtml(d: {
  subs: Awaited<ReturnType<typeof subscriptionsOf>>;
  csrf: string;
  emailEnabled: boolean;
  tasks: string[];
  /** the labels the form suggests: every active model's */
  labels: string[];
}): SafeHtml {
  return html`<h1>Watch</h1>
<p>Get one e-mail for each new report that lands where you watch: filed there, or predicted there with a confidence at or above the model's threshold.</p>
${!d.emailEnabled ? html`<p class="notice" role="status"><strong>E-mail is off on this server</strong> (no EIGHTBALL_SMTP_URL is set): watches are kept, but no e-mail is sent until an administrator configures one.</p>` : ''}
<div class="scroll"><table><thead><tr><th scope="col">Task</th><th scope="col">Label</th><th scope="col">E-mail</th><th scope="col"></th></tr></thead><tbody>
${d.subs.map(
  (s) =>
    html`<tr><td>${s.task}</td><td>${s.label}</td><td>${s.email}</td><td><form method="post" action="/watch/${s.id}/delete" class="inline"><input type="hidden" name="_csrf" value="${d.csrf}"><button type="submit">Stop watching</button></form></td></tr>`,
)}</tbody></table></div>
<form method="post" action="/watch" class="inline">
<input type="hidden" name="_csrf" value="${d.csrf}">
<label for="w-task">Task</label> <select id="w-task" name="task">${d.tasks.map((t) => html`<option value="${t}">${t}</option>`)}</select>
<label for="w-label">Label</label> <input id="w-label" name="label" list="w-labels" required maxlength="200">
<datalist id="w-labels">${d.labels.map((c) => html`<option value="${c}"></option>`)}</datalist>
<label for="w-email">E-mail</label> <input id="w-email" name="email" type="email" required maxlength="254">
<button type="submit">Watch</button>
</form>`;
}
