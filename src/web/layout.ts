import type { Role } from '../store/index.ts';
import { hasRole } from '../triage/index.ts';
import { html, type SafeHtml } from './html.ts';

export interface PageUser {
  id: number;
  username: string;
  role: Role;
  mustChangePassword: boolean;
}

export interface PageContext {
  user: PageUser | null;
  csrf: string;
  path: string;
}

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** Every page: skip link, navigation by role, one main landmark; styles and script from /static only. */
export function layout(
  ctx: PageContext,
  title: string,
  body: SafeHtml,
  flash?: Flash,
  opts: { refreshSeconds?: number } = {},
): string {
  const nav = (href: string, label: string) =>
    html`<li><a href="${href}"${ctx.path === href ? html` aria-current="page"` : ''}>${label}</a></li>`;
  const u = ctx.user;
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · eightball</title>
${opts.refreshSeconds ? html`<meta http-equiv="refresh" content="${opts.refreshSeconds}">` : ''}
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<nav aria-label="Main">
<a class="brand" href="/">eightball</a>
${
  u
    ? html`<ul>
${nav('/', 'New report')}
${nav('/reports', 'Reports')}
${nav('/watch', 'Watch')}
${hasRole(u, 'triager') ? nav('/models', 'Models') : ''}
${hasRole(u, 'triager') ? nav('/jobs', 'Jobs') : ''}
${hasRole(u, 'admin') ? nav('/admin', 'Admin') : ''}
${nav('/api/docs', 'API')}
</ul>
<form method="post" action="/logout" class="inline">
<input type="hidden" name="_csrf" value="${ctx.csrf}">
<span class="who">${u.username} (${u.role})</span> <button type="submit">Log out</button>
</form>`
    : ''
}
</nav>
</header>
<main id="main">
${flash ? html`<p class="flash ${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.text}</p>` : ''}
${body}
</main>
</body>
</html>`}`;
}
