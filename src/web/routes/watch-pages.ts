import type { FastifyPluginAsync } from 'fastify';
import { addSubscription, removeSubscription, subscriptionsOf } from '../../store/index.ts';
import { findTask, knownLabels, listTasks, modelLabels } from '../../triage/index.ts';
import { requireRole } from '../auth.ts';
import { html } from '../html.ts';
import { confirmNewLabel } from '../new-label.ts';
import { TASK_NAME_SCHEMA } from '../route-schemas.ts';

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
      html`<h1>Watch</h1>
<p>Get one e-mail for each new report that lands where you watch: filed there, or predicted there with a confidence at or above the model's threshold.</p>
${app.services.emailEnabled === false ? html`<p class="notice" role="status"><strong>E-mail is off on this server</strong> (no EIGHTBALL_SMTP_URL is set): watches are kept, but no e-mail is sent until an administrator configures one.</p>` : ''}
<div class="scroll"><table><thead><tr><th scope="col">Task</th><th scope="col">Label</th><th scope="col">E-mail</th><th scope="col"></th></tr></thead><tbody>
${subs.map(
  (s) =>
    html`<tr><td>${s.task}</td><td>${s.label}</td><td>${s.email}</td><td><form method="post" action="/watch/${s.id}/delete" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Stop watching</button></form></td></tr>`,
)}</tbody></table></div>
<form method="post" action="/watch" class="inline">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="w-task">Task</label> <select id="w-task" name="task">${tasks.map((t) => html`<option value="${t.name}">${t.name}</option>`)}</select>
<label for="w-label">Label</label> <input id="w-label" name="label" list="w-labels" required maxlength="200">
<datalist id="w-labels">${[...new Set([...models.values()].flatMap(modelLabels))].map((c) => html`<option value="${c}"></option>`)}</datalist>
<label for="w-email">E-mail</label> <input id="w-email" name="email" type="email" required maxlength="254">
<button type="submit">Watch</button>
</form>`,
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
