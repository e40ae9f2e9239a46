import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isEightballError } from '../../domain/index.ts';
import { SELECTION_METRICS, type SelectionMetric } from '../../ml/index.ts';
import { activeModelSummary, addAudit, getTaskRow } from '../../store/index.ts';
import {
  addTask,
  formatLabelMap,
  getTask,
  listTasks,
  removeTask,
  SENTENCE_ENCODER,
  SOURCE_MODES,
  type SourceMode,
  saveTaskSettings,
  taskSettings,
} from '../../triage/index.ts';
import { requireRole } from '../auth.ts';
import type { Flash } from '../layout.ts';
import { str, TASK_NAME_SCHEMA, withCsrf } from '../route-schemas.ts';
import { type TaskForm, tasksPageHtml } from '../views/task-views.ts';

/** The admin's tasks page: every task's settings, a form for a team's own task, and removal. */
export const taskPageRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app.services;
  const admin = { onRequest: requireRole('admin'), preHandler: app.csrfProtection };

  const show = async (reply: FastifyReply, flash?: Flash, form: TaskForm = {}) => {
    const csrf = reply.generateCsrf();
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
    return reply.page('Tasks', tasksPageHtml(csrf, tasks, form), flash);
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
    Body: {
      labelSource: string;
      cost: string;
      sentenceEncoder?: string;
      objective?: string;
      sources?: string;
    };
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
            objective: { type: 'string', enum: [...SELECTION_METRICS] },
            sources: { type: 'string', enum: [...SOURCE_MODES] },
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
        ...(req.body.objective ? { objective: req.body.objective as SelectionMetric } : {}),
        ...(req.body.sources ? { sources: req.body.sources as SourceMode } : {}),
      });
      await addAudit(
        store.db,
        {
          userId: req.user!.id,
          action: 'task.settings',
          detail: `${task.name}: label source ${req.body.labelSource}, cost ${req.body.cost}, sentence encoder ${req.body.sentenceEncoder ?? 'unchanged'}, objective ${req.body.objective ?? 'unchanged'}, trackers ${req.body.sources ?? 'unchanged'}`,
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
