import type { FastifyPluginAsync } from 'fastify';
import { EightballError } from '../../domain/index.ts';
import { checkSchedule } from '../../jobs/scheduler.ts';
import { SOURCE_KINDS, sourceKind } from '../../jobs/source-kinds/index.ts';
import {
  addAudit,
  deleteDataSource,
  findUserById,
  insertDataSource,
  listAudit,
  listDataSources,
  listTokens,
  listUsers,
  setSetting,
  sourceSecretKey,
  sourcesWithSecret,
} from '../../store/index.ts';
import {
  createApiToken,
  createUser,
  generatePassword,
  isRole,
  ROLES,
  revokeApiToken,
  updateUserAccess,
} from '../../triage/index.ts';
import { requireRole } from '../auth.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Flash } from '../layout.ts';
import { idParams, str, withCsrf } from '../route-schemas.ts';
import { adminPageHtml, type SourceField, type SourceForm } from '../views/admin-view.ts';

export const adminRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app.services;
  // auth at onRequest (before the body is read and validated), CSRF at preHandler (after)
  const admin = { onRequest: requireRole('admin'), preHandler: app.csrfProtection };
  const now = () => new Date().toISOString();

  const adminPage = async (extra?: SafeHtml, flash?: Flash) => {
    const [users, tokens, sources, audit, secrets] = await Promise.all([
      listUsers(store.db),
      listTokens(store.db),
      listDataSources(store.db),
      listAudit(store.db, 50),
      sourcesWithSecret(store.db),
    ]);
    return { users, tokens, sources, audit, extra, flash, kinds: SOURCE_KINDS, withSecret: secrets };
  };

  const show = async (
    reply: import('fastify').FastifyReply,
    extra?: SafeHtml,
    flash?: Flash,
    form?: SourceForm,
  ) => {
    const csrf = reply.generateCsrf();
    return reply.page('Admin', adminPageHtml(csrf, await adminPage(extra), form), flash);
  };

  app.get('/admin', { onRequest: requireRole('admin') }, async (_req, reply) => show(reply));

  app.post<{ Body: { username: string; role: string } }>(
    '/admin/users',
    {
      ...admin,
      schema: {
        body: withCsrf({ username: str(64), role: { type: 'string', enum: [...ROLES] } }, [
          'username',
          'role',
        ]),
      },
    },
    async (req, reply) => {
      const role = req.body.role;
      if (!isRole(role)) throw new EightballError('usage', 'role');
      const password = generatePassword();
      await createUser(
        store,
        { username: req.body.username, password, role, mustChangePassword: true },
        req.user!.id,
      );
      return show(
        reply,
        html`<div class="once" role="status"><p>User <strong>${req.body.username}</strong> (${role}) created. One-time password, shown only now:</p><p><code>${password}</code></p></div>`,
      );
    },
  );

  app.post<{ Params: { id: number }; Body: { role: string; disabled?: string } }>(
    '/admin/users/:id',
    {
      ...admin,
      schema: {
        params: idParams,
        body: withCsrf(
          { role: { type: 'string', enum: [...ROLES] }, disabled: { type: 'string', enum: ['true'] } },
          ['role'],
        ),
      },
    },
    async (req, reply) => {
      const u = await findUserById(store.db, req.params.id);
      if (!u) throw new EightballError('not-found', `user ${req.params.id} not found`);
      const role = req.body.role;
      if (!isRole(role)) throw new EightballError('usage', 'role');
      const disabled = req.body.disabled === 'true' ? 1 : 0;
      if (Number(u.id) === req.user!.id && (role !== 'admin' || disabled === 1)) {
        return show(reply, undefined, {
          kind: 'error',
          text: 'You cannot demote or disable yourself: ask another admin.',
        });
      }
      await updateUserAccess(
        store,
        { id: Number(u.id), username: u.username },
        { role, disabled: disabled === 1 },
        req.user!.id,
      );
      return show(reply, undefined, { kind: 'ok', text: `${u.username} saved.` });
    },
  );

  app.post<{ Body: { name: string; userId: string } }>(
    '/admin/tokens',
    {
      ...admin,
      schema: { body: withCsrf({ name: str(100), userId: str(20, '^[0-9]+$') }, ['name', 'userId']) },
    },
    async (req, reply) => {
      const owner = await findUserById(store.db, Number(req.body.userId));
      if (!owner) throw new EightballError('not-found', `user ${req.body.userId} not found`);
      const name = req.body.name.trim();
      if (!name) throw EightballError.about('name', 'usage', 'name: required');
      const { token } = await createApiToken(store, Number(owner.id), name, req.user!.id);
      return show(
        reply,
        html`<div class="once" role="status"><p>Token <strong>${name}</strong> for ${owner.username} (${owner.role}), shown only now:</p><p><code>${token}</code></p><p>Send it as <code>Authorization: Bearer ${token.slice(0, 7)}…</code></p></div>`,
      );
    },
  );

  app.post<{ Params: { id: number } }>(
    '/admin/tokens/:id/revoke',
    { ...admin, schema: { params: idParams, body: withCsrf({}, []) } },
    async (req, reply) => {
      const done = await revokeApiToken(store, req.params.id, req.user!.id);
      return show(
        reply,
        undefined,
        done ? { kind: 'ok', text: 'Token revoked.' } : { kind: 'error', text: 'No such live token.' },
      );
    },
  );

  app.post<{
    Body: {
      name: string;
      kind: string;
      location: string;
      query?: string;
      schedule?: string;
      secret?: string;
    };
  }>(
    '/admin/sources',
    {
      ...admin,
      schema: {
        body: withCsrf(
          {
            name: str(100),
            kind: { type: 'string', enum: SOURCE_KINDS.map((k) => k.kind) },
            location: str(500),
            query: str(500),
            schedule: str(100),
            secret: str(200),
          },
          ['name', 'kind', 'location'],
        ),
      },
    },
    async (req, reply) => {
      const b = req.body;
      // a mistake comes back on the same page with what was typed, the field named
      const refuse = (field: SourceField, text: string) =>
        show(reply.code(400), undefined, { kind: 'error', text }, { ...b, error: field });
      try {
        sourceKind(b.kind).check({ location: b.location.trim(), query: b.query?.trim() ?? '' });
      } catch (e) {
        if (!(e instanceof EightballError)) throw e;
        return refuse((e.field ?? 'location') as SourceField, e.message);
      }
      if (b.schedule?.trim()) {
        try {
          checkSchedule(b.schedule.trim());
        } catch (e) {
          return refuse(
            'schedule',
            `${(e as Error).message} (five fields: minute hour day month weekday, e.g. "0 * * * *")`,
          );
        }
      }
      const secret = b.secret?.trim() ?? '';
      if (secret !== '' && (secret.length < 16 || !['github', 'jira', 'bugzilla'].includes(b.kind)))
        return refuse(
          'secret',
          secret.length < 16
            ? 'secret: a webhook secret needs at least 16 characters (openssl rand -hex 16)'
            : `secret: a ${b.kind} source takes no webhook`,
        );
      const id = await insertDataSource(
        store.db,
        {
          name: b.name.trim(),
          kind: b.kind,
          location: b.location.trim(),
          query: b.query?.trim() ?? '',
          schedule: b.schedule?.trim() || null,
        },
        now(),
      );
      if (secret !== '') await setSetting(store.db, sourceSecretKey(id), secret);
      await addAudit(
        store.db,
        {
          userId: req.user!.id,
          action: 'source.create',
          detail: `${b.name}: ${b.kind} ${b.location}${secret ? ' (with a webhook secret)' : ''}`,
        },
        now(),
      );
      return show(reply, undefined, { kind: 'ok', text: `Source ${b.name} added.` });
    },
  );

  app.post<{ Params: { id: number } }>(
    '/admin/sources/:id/import',
    { ...admin, schema: { params: idParams, body: withCsrf({}, []) } },
    async (req, reply) => {
      const { queue } = app.services;
      if (!queue) return reply.code(503).message('Jobs', 'No job queue is configured for this server.');
      const job = await queue.enqueue(
        'import-source',
        { sourceId: req.params.id },
        { dedupKey: `source:${req.params.id}` },
      );
      await addAudit(
        store.db,
        { userId: req.user!.id, action: 'source.import', detail: `source ${req.params.id}: job ${job.id}` },
        now(),
      );
      req.session.set('flash', { kind: 'ok', text: `Import queued: job ${job.id}.` });
      return reply.redirect('/jobs', 303);
    },
  );

  app.post<{ Params: { id: number } }>(
    '/admin/sources/:id/delete',
    { ...admin, schema: { params: idParams, body: withCsrf({}, []) } },
    async (req, reply) => {
      const done = await deleteDataSource(store.db, req.params.id);
      if (done)
        await addAudit(
          store.db,
          { userId: req.user!.id, action: 'source.delete', detail: `source ${req.params.id}` },
          now(),
        );
      return show(
        reply,
        undefined,
        done ? { kind: 'ok', text: 'Source removed.' } : { kind: 'error', text: 'No such source.' },
      );
    },
  );
};
