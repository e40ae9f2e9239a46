import type { FastifyPluginAsync } from 'fastify';
import { addSubscription, removeSubscription, subscriptionsOf } from '../../store/index.ts';
import { findTask, knownLabels, listTasks, modelLabels } from '../../triage/index.ts';
import { requireRole } from '../auth.ts';
import { confirmNewLabel } from '../new-label.ts';
import { TASK_NAME_SCHEMA } from '../route-schemas.ts';
import { watchPageHtml } from '../views/watch-views.ts';

const EMAIL = '^[^\\s@<>()"]{1,64}@[A-Za-z0-9.-]{1,190}\\.[A-Za-z]{2,}$';

/** Watching: e-mail me when a new report lands in a product::component or a category. */
export const watchRoutes: FastifyPluginAsync = async (app) => {
  const { store, predictor } = app.services;

  app.get('/watch', { onRequest: requireRole('reporter') }, async (req, reply) => {
    const subs = await subscriptionsOf(store.db, req.user!.id);
    const models = await predictor.models();
    const csrf = reply.generateCsrf();
    const tasks = await listTasks(store);
    return reply.page(
      'Watch',
      watchPageHtml({
        subs,
        csrf,
        emailEnabled: app.services.emailEnabled !== false,
        tasks: tasks.map((t) => t.name),
        labels: [...new Set([...models.values()].flatMap(modelLabels))],
      }),
    );
  });

  app.post<{ Body: { task: string; label: string; email: string; allowNew?: string } }>(
    '/watch',
    {
      onRequest: requireRole('reporter'),
      preHandler: app.csrfProtection,
      schema: {
        body: {
          type: 'object',
          required: ['task', 'label', 'email'],
          properties: {
            task: TASK_NAME_SCHEMA,
            label: { type: 'string', minLength: 1, maxLength: 200 },
            email: { type: 'string', maxLength: 254, pattern: EMAIL },
            allowNew: { type: 'string', enum: ['true'] },
            _csrf: { type: 'string', maxLength: 200 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const { task, label, email, allowNew } = req.body;
      if (!(await findTask(store, task))) return reply.code(400).message('Watch', `unknown task ${task}`);
      // a watch on a label nobody predicts never fires: ask before taking one the task does not know
      const known = await knownLabels(store, predictor, task);
      if (allowNew !== 'true' && known.length > 0 && !known.includes(label.trim()))
        return reply.page(
          'A new label?',
          confirmNewLabel({
            csrf: reply.generateCsrf(),
            action: '/watch',
            task,
            label: label.trim(),
            fields: { task, label: label.trim(), email },
            known,
            back: '/watch',
          }),
        );
      await addSubscription(
        store.db,
        { userId: req.user!.id, task, label: label.trim(), email },
        new Date().toISOString(),
      );
      req.session.set('flash', { kind: 'ok', text: `Watching ${task} ${label}.` });
      return reply.redirect('/watch', 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/watch/:id/delete',
    {
      onRequest: requireRole('reporter'),
      preHandler: app.csrfProtection,
      schema: {
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } },
          required: ['id'],
        },
        body: {
          type: 'object',
          properties: { _csrf: { type: 'string', maxLength: 200 } },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      // only one's own: another user's id simply matches nothing
      const ok = await removeSubscription(store.db, Number(req.params.id), req.user!.id);
      req.session.set(
        'flash',
        ok ? { kind: 'ok', text: 'Stopped watching.' } : { kind: 'error', text: 'No such watch of yours.' },
      );
      return reply.redirect('/watch', 303);
    },
  );
};
