import type { JobInfo, JobState } from '../../jobs/queue.ts';
import { html, pct, type SafeHtml } from '../html.ts';

function progressOf(j: JobInfo): string {
  if (!j.progress) return j.state === 'completed' ? 'done' : '–';
  const p = j.progress.total > 0 ? ` ${pct(j.progress.done / j.progress.total)}` : '';
  return `${j.progress.message}${p}`;
}

/** The jobs page: what runs, what waits, what failed, with retry and cancel. */
export function jobsPageHtml(d: {
  backend: string;
  states: readonly JobState[];
  jobs: JobInfo[];
  csrf: string;
  busy: boolean;
}): SafeHtml {
  return html`<h1>Jobs <small>(${d.backend} queue)</small></h1>
<nav aria-label="Job states" class="filters"><a href="/jobs">all</a>${d.states.map((s) => html` <a href="/jobs?state=${s}">${s}</a>`)}</nav>
${d.busy ? html`<p class="hint">This page refreshes every 3 seconds while jobs run.</p>` : ''}
<div class="scroll"><table>
<thead><tr><th scope="col">#</th><th scope="col">Job</th><th scope="col">State</th><th scope="col">Progress</th><th scope="col">Attempts</th><th scope="col">Created</th><th scope="col">Error</th><th scope="col"></th></tr></thead>
<tbody>${d.jobs.map(
    (
      j,
    ) => html`<tr><td>${j.id}</td><td>${j.name}</td><td>${j.state}</td><td>${progressOf(j)}</td><td>${j.attempts}/${j.maxAttempts}</td>
<td>${j.createdAt.slice(0, 19).replace('T', ' ')}</td><td>${j.error ?? ''}</td>
<td>${
      j.state === 'dead' || j.state === 'cancelled'
        ? html`<form method="post" action="/jobs/${j.id}/retry" class="inline"><input type="hidden" name="_csrf" value="${d.csrf}"><button type="submit">Retry</button></form>`
        : j.state === 'waiting' || j.state === 'active' || j.state === 'delayed'
          ? html`<form method="post" action="/jobs/${j.id}/cancel" class="inline"><input type="hidden" name="_csrf" value="${d.csrf}"><button type="submit">Cancel</button></form>`
          : ''
    }</td></tr>`,
  )}</tbody></table></div>`;
}
