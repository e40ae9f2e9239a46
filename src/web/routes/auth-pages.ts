import type { FastifyPluginAsync } from 'fastify';
import { addAudit, deleteUserSessions, updateUser } from '../../store/index.ts';
import { authenticate, checkPassword, hashPassword, MIN_PASSWORD_LENGTH } from '../../triage/index.ts';
import { html, type SafeHtml } from '../html.ts';

export function loginForm(csrf: string, next: string): SafeHtml {
  return html`<h1>Log in</h1>
<form method="post" action="/login" class="stack narrow">
<input type="hidden" name="_csrf" value="${csrf}">
<input type="hidden" name="next" value="${next}">
<label for="username">User name</label>
<input id="username" name="username" autocomplete="username" required maxlength="64">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
<button type="submit">Log in</button>
</form>`;
}

/**
 * Only a local path: a login must never send someone to another site. Characters a Location
 * header may not carry (`/reports/。`) are percent-encoded: Node refuses such a header when the
 * response is written, after the handler has returned.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length >= 500 || !/^\/(?!\/)[^\s\\]*$/.test(next)) return '/';
  try {
    return next.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%#]/gu, (c) => encodeURIComponent(c));
  } catch {
    return '/'; // a lone surrogate has no encoding
  }
}

const loginBody = {
  type: 'object',
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', maxLength: 64 },
    password: { type: 'string', maxLength: 256 },
    next: { type: 'string', maxLength: 500 },
    _csrf: { type: 'string', maxLength: 200 },
  },
  additionalProperties: false,
} as const;

const passwordBody = {
  type: 'object',
  required: ['current', 'password', 'confirm'],
  properties: {
    current: { type: 'string', maxLength: 256 },
    password: { type: 'string', maxLength: 256 },
    confirm: { type: 'string', maxLength: 256 },
    _csrf: { type: 'string', maxLength: 200 },
  },
  additionalProperties: false,
} as const;

export const authRoutes: FastifyPluginAsync<{ loginRateLimit: number }> = async (app, opts) => {
  const { store } = app.services;

  app.get('/login', async (req, reply) => {
    if (req.user) return reply.redirect('/', 303);
    return reply.loginPage();
  });

  app.post<{ Body: { username: string; password: string; next?: string } }>(
    '/login',
    {
      schema: { body: loginBody },
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const user = await authenticate(store, req.body.username, req.body.password);
      if (!user) {
        await addAudit(
          store.db,
          { userId: null, action: 'login.failed', detail: req.body.username.slice(0, 64) },
          new Date().toISOString(),
        );
        reply.code(401);
        return reply.loginPage('Wrong user name or password.');
      }
      // a fresh session id at login: a session fixed before login is worth nothing after it
      await req.session.regenerate();
      req.session.set('userId', Number(user.id));
      return reply.redirect(
        user.must_change_password === 1 ? '/account/password' : safeNext(req.body.next),
        303,
      );
    },
  );

  app.post('/logout', { preHandler: app.csrfProtection }, async (req, reply) => {
    await req.session.destroy();
    return reply.redirect('/login', 303);
  });

  const passwordPage = (csrf: string, forced: boolean) => html`<h1>Change your password</h1>
${forced ? html`<p>You logged in with a one-time password: choose your own before going on.</p>` : ''}
<form method="post" action="/account/password" class="stack narrow">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="current">Current password</label>
<input id="current" name="current" type="password" autocomplete="current-password" required>
<label for="password">New password (at least ${MIN_PASSWORD_LENGTH} characters)</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}">
<label for="confirm">New password again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit">Change password</button>
</form>`;

  app.get('/account/password', async (req, reply) => {
    if (!req.user) {
      reply.code(401);
      return reply.loginPage();
    }
    return reply.page('Change password', passwordPage(reply.generateCsrf(), req.user.mustChangePassword));
  });

  app.post<{ Body: { current: string; password: string; confirm: string } }>(
    '/account/password',
    {
      schema: { body: passwordBody },
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const me = req.user;
      if (!me) {
        reply.code(401);
        return reply.loginPage();
      }
      const fail = (text: string) =>
        reply.code(400).page('Change password', passwordPage(reply.generateCsrf(), me.mustChangePassword), {
          kind: 'error',
          text,
        });
      if (!(await authenticate(store, me.username, req.body.current)))
        return fail('The current password is wrong.');
      if (req.body.password !== req.body.confirm) return fail('The new passwords differ.');
      if (req.body.password === req.body.current)
        return fail('The new password must differ from the current one.');
      try {
        checkPassword(req.body.password);
      } catch (e) {
        return fail((e as Error).message);
      }
      await updateUser(store.db, me.id, {
        password_hash: await hashPassword(req.body.password),
        must_change_password: 0,
      });
      // whoever else holds a session of this user (a stolen cookie, another browser) is out
      await deleteUserSessions(store.db, me.id, req.session.sessionId);
      await addAudit(
        store.db,
        { userId: me.id, action: 'user.password', detail: me.username },
        new Date().toISOString(),
      );
      req.session.set('flash', { kind: 'ok', text: 'Password changed.' });
      return reply.redirect('/', 303);
    },
  );
};
