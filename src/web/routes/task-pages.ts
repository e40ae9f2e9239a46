import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isEightballError } from '../../domain/index.ts';
import { activeModelSummary, addAudit, getTaskRow } from '../../store/index.ts';
import {
  addTask,
  formatLabelMap,
  getTask,
  listTasks,
  removeTask,
  SENTENCE_ENCODER,
  saveTaskSettings,
  taskSettings,
} from '../../triage/index.ts';
import { requireRole } from '../auth.ts';
import { html } from '../html.ts';
import type { Flash } from '../layout.ts';
import { str, TASK_NAME_SCHEMA, withCsrf } from '../route-schemas.ts';

/** What the new-task form showed when it came back with a mistake. */
interface TaskForm {
  name?: string;
  labelSource?: string;
  labelMap?: string;
  multilabel?: string;
  description?: string;
  error?: string;
}

/** The admin's tasks page: every task's settings, a form for a team's own task, and removal. */
export const taskPageRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app.services;
  const admin = { onRequest: requireRole('admin'), preHandler: app.csrfProtection };

  const show = async (reply: FastifyReply, flash?: Flash, form: TaskForm = {}) => {
    const csrf = reply.generateCsrf();
    const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">`;
    const tasks = await Promise.all(
      (await listTasks(store)).map(async (t) => ({
        t,
        s: await taskSettings(store, t),
        active: await activeModelSummary(store.db, t.name),
        map: t.builtIn
          ? ''
          : formatLabelMap(JSON.parse((await getTaskRow(store.db, t.name))?.label_map ?? '[]')),
      })),
    );
    const v = (k: keyof TaskForm) => form[k] ?? '';
    const invalid = (k: string) => (form.error === k ? html` aria-invalid="true" autofocus` : '');
    const body = html`<h1>Tasks</h1>
<p class="hint">Each task is a question eightball answers about every report. Label source: <code>type</code>, <code>severity-enhancement</code>, <code>product::component</code>, <code>labels.NAME</code> (a labels file) or another report field. The cost of a wrong answer (a right one earns 1, abstaining 0) sets the next training's threshold; a model's threshold can be changed on its page. A sentence encoder (${SENTENCE_ENCODER}: Universal Sentence Encoder lite, bundled) lets the next training also try its vectors of each report: it helps small trackers, costs about 80 ms a report to train and to answer.</p>
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
    return reply.page('Tasks', body, flash);
  };

  app.get('/admin/tasks', { onRequest: requireRole('admin') }, async (_req, reply) => show(reply));

  app.post<{ Body: TaskForm & { _csrf?: string } }>(
    '/admin/tasks',
    {
      ...admin,
      schema: {
        body: withCsrf(
          {
            name: str(40),
            labelSource: str(100),
            labelMap: str(4000),
            description: str(200),
            multilabel: { type: 'string', enum: ['true'] },
          },
          ['name', 'labelSource'],
        ),
      },
    },
    async (req, reply) => {
      const b = req.body;
      try {
        const t = await addTask(
          store,
          {
            name: b.name ?? '',
            labelSource: b.labelSource ?? '',
            labelMap: b.labelMap ?? '',
            multilabel: b.multilabel === 'true',
            description: b.description,
          },
          req.user!.id,
        );
        return show(reply, { kind: 'ok', text: `Task ${t.name} added: train it from the Models page.` });
      } catch (e) {
        // the form comes back as it was sent, the wrong field marked
        if (!isEightballError(e) || !['usage', 'conflict'].includes(e.code)) throw e;
        reply.code(e.code === 'conflict' ? 409 : 400);
        const { _csrf: _c, ...form } = b;
        return show(reply, { kind: 'error', text: e.message }, { ...form, error: e.field ?? 'name' });
      }
    },
  );

  app.post<{
    Params: { task: string };
    Body: { labelSource: string; cost: string; sentenceEncoder?: string };
  }>(
    '/admin/tasks/:task',
    {
      ...admin,
      schema: {
        params: { type: 'object', properties: { task: TASK_NAME_SCHEMA }, required: ['task'] },
        body: withCsrf(
          {
            labelSource: str(100),
            cost: str(10, '^[0-9]+(\\.[0-9]+)?$'),
            sentenceEncoder: { type: 'string', enum: ['none', SENTENCE_ENCODER] },
          },
          ['labelSource', 'cost'],
        ),
      },
    },
    async (req, reply) => {
      const task = await getTask(store, req.params.task);
      await saveTaskSettings(store, task, {
        labelSource: req.body.labelSource.trim(),
        cost: Number(req.body.cost),
        ...(req.body.sentenceEncoder
          ? { sentenceEncoder: req.body.sentenceEncoder === 'none' ? null : req.body.sentenceEncoder }
          : {}),
      });
      await addAudit(
        store.db,
        {
          userId: req.user!.id,
          action: 'task.settings',
          detail: `${task.name}: label source ${req.body.labelSource}, cost ${req.body.cost}, sentence encoder ${req.body.sentenceEncoder ?? 'unchanged'}`,
        },
        new Date().toISOString(),
      );
      return show(reply, { kind: 'ok', text: `${task.name} saved: it applies from the next training.` });
    },
  );

  app.post<{ Params: { task: string } }>(
    '/admin/tasks/:task/remove',
    {
      ...admin,
      schema: {
        params: { type: 'object', properties: { task: TASK_NAME_SCHEMA }, required: ['task'] },
        body: withCsrf({}, []),
      },
    },
    async (req, reply) => {
      const { versions } = await removeTask(store, req.params.task, req.user!.id);
      return show(reply, {
        kind: 'ok',
        text: `Task ${req.params.task} removed${versions > 0 ? `; its ${versions} model version(s) are kept, inactive` : ''}.`,
      });
    },
  );
};
