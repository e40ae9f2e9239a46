import type { listAudit, listDataSources, listTokens, listUsers } from '../../store/index.ts';
import { ROLES } from '../../triage/index.ts';
import { html, type SafeHtml } from '../html.ts';

export type SourceField = 'name' | 'location' | 'query' | 'schedule' | 'secret';
/** What the sources form showed when it came back with a mistake. */
export interface SourceForm {
  name?: string;
  kind?: string;
  location?: string;
  query?: string;
  schedule?: string;
  error?: SourceField;
}

/** What the admin page shows, gathered by its route. */
export interface AdminPageData {
  users: Awaited<ReturnType<typeof listUsers>>;
  tokens: Awaited<ReturnType<typeof listTokens>>;
  sources: Awaited<ReturnType<typeof listDataSources>>;
  audit: Awaited<ReturnType<typeof listAudit>>;
  extra?: SafeHtml | undefined;
  /** the data sources that have a webhook secret (never shown, only that it is set) */
  withSecret?: Set<number>;
  /** the data source kinds the form offers (the registry's) */
  kinds: readonly { kind: string; label: string }[];
}

/** The admin page: users, API tokens, a link to the tasks, data sources, the audit log. */
export function adminPageHtml(csrf: string, d: AdminPageData, form: SourceForm = {}): SafeHtml {
  const v = (k: keyof SourceForm) => form[k] ?? '';
  const roleSelect = (id: string, current?: string) =>
    html`<select id="${id}" name="role">${ROLES.map((r) => html`<option value="${r}"${r === current ? html` selected` : ''}>${r}</option>`)}</select>`;
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  return html`<h1>Admin</h1>
${d.extra ?? ''}
<section><h2>Users</h2>
<div class="scroll"><table><thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Change</th></tr></thead><tbody>
${d.users.map(
  (
    u,
  ) => html`<tr><td>${u.username}</td><td>${u.role}</td><td>${u.disabled === 1 ? 'disabled' : u.must_change_password === 1 ? 'must change password' : 'active'}</td>
<td><form method="post" action="/admin/users/${u.id}" class="inline">${hidden}
<label class="sr" for="role-${u.id}">Role of ${u.username}</label>${roleSelect(`role-${u.id}`, u.role)}
<label><input type="checkbox" name="disabled" value="true"${u.disabled === 1 ? html` checked` : ''}> disabled</label>
<button type="submit">Save</button></form></td></tr>`,
)}</tbody></table></div>
<form method="post" action="/admin/users" class="inline">${hidden}
<label for="new-username">New user</label> <input id="new-username" name="username" required maxlength="64" pattern="[A-Za-z0-9_.@\\-]{2,64}">
<label for="new-role">role</label> ${roleSelect('new-role', 'reporter')}
<button type="submit">Add user</button></form>
<p class="hint">A new user gets a one-time password, shown once here, to change at first login.</p>
</section>

<section><h2>API tokens</h2>
<div class="scroll"><table><thead><tr><th scope="col">Name</th><th scope="col">User</th><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead><tbody>
${d.tokens.map(
  (
    t,
  ) => html`<tr><td>${t.name}</td><td>${t.username}</td><td><code>${t.prefix}…</code></td><td>${t.created_at.slice(0, 16)}</td><td>${t.last_used_at?.slice(0, 16) ?? 'never'}</td>
<td>${t.revoked_at ? `revoked ${t.revoked_at.slice(0, 16)}` : html`<form method="post" action="/admin/tokens/${t.id}/revoke" class="inline">${hidden}<button type="submit">Revoke</button></form>`}</td></tr>`,
)}</tbody></table></div>
<form method="post" action="/admin/tokens" class="inline">${hidden}
<label for="token-name">Token name</label> <input id="token-name" name="name" required maxlength="100">
<label for="token-user">for user</label> <select id="token-user" name="userId">${d.users.map((u) => html`<option value="${u.id}">${u.username} (${u.role})</option>`)}</select>
<button type="submit">Create token</button></form>
</section>

<section><h2>Tasks</h2>
<p><a href="/admin/tasks">Tasks, their label sources and costs</a>: the built-in questions and the team's own.</p>
<p><a href="/admin/writeback">Write-back to the trackers</a>: what eightball comments, labels or moves in Bugzilla, GitHub and Jira, a dry run, and every action with its undo.</p>
</section>

<section><h2>Data sources</h2>
<div class="scroll"><table><thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Where</th><th scope="col">Query</th><th scope="col">Schedule</th><th scope="col">Webhook</th><th scope="col"></th></tr></thead><tbody>
${d.sources.map(
  (
    s,
  ) => html`<tr><td>${s.name}</td><td>${s.kind}</td><td>${s.location}</td><td>${s.query}</td><td>${s.schedule ?? 'manual'}</td><td>${['github', 'jira', 'bugzilla'].includes(s.kind) ? html`<code>/hooks/${s.kind}${s.kind === 'bugzilla' ? `?source=${s.name}` : ''}</code>${d.withSecret?.has(s.id) ? ' (its own secret)' : ''}` : '–'}</td>
<td><form method="post" action="/admin/sources/${s.id}/import" class="inline">${hidden}<button type="submit">Import now</button></form>
<form method="post" action="/admin/sources/${s.id}/delete" class="inline">${hidden}<button type="submit">Remove</button></form></td></tr>`,
)}</tbody></table></div>
<form method="post" action="/admin/sources" class="inline">${hidden}
<label for="src-name">Name</label> <input id="src-name" name="name" required maxlength="100" value="${v('name')}">
<label for="src-kind">kind</label> <select id="src-kind" name="kind">${d.kinds.map((k) => html`<option value="${k.kind}"${form.kind === k.kind ? html` selected` : ''}>${k.label}</option>`)}</select>
<label for="src-loc">URL or path</label> <input id="src-loc" name="location" required maxlength="500" value="${v('location')}">
<label for="src-q">query</label> <input id="src-q" name="query" maxlength="500" placeholder="product=Firefox" value="${v('query')}">
<label for="src-s">schedule (cron)</label> <input id="src-s" name="schedule" maxlength="100" placeholder="0 * * * *" pattern="[0-9*/,\- A-Za-z?#LW]*" title="five cron fields: minute hour day month weekday, e.g. 0 * * * *" value="${v('schedule')}"${form.error === 'schedule' ? html` aria-invalid="true" autofocus` : ''}>
<label for="src-secret">webhook secret</label> <input id="src-secret" name="secret" type="password" autocomplete="off" maxlength="200" minlength="16" placeholder="GitHub, Jira, Bugzilla"${form.error === 'secret' ? html` aria-invalid="true" autofocus` : ''}>
<button type="submit">Add source</button></form>
<p class="hint">A tracker's webhook is checked with its source's own secret, or with <code>EIGHTBALL_GITHUB_WEBHOOK_SECRET</code> (<code>_JIRA_</code>, <code>_BUGZILLA_</code>) when one is enough. The secret is stored, never shown again. How to set each tracker up: <code>docs/trackers/</code>.</p>
</section>

<section><h2>Audit log</h2>
<div class="scroll"><table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Detail</th></tr></thead><tbody>
${d.audit.map((a) => html`<tr><td>${a.created_at.slice(0, 19).replace('T', ' ')}</td><td>${a.username ?? '–'}</td><td>${a.action}</td><td>${a.detail}</td></tr>`)}
</tbody></table></div></section>`;
}
