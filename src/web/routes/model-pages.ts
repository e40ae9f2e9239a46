import type { FastifyPluginAsync } from 'fastify';
import type { MultilabelMetrics } from '../../evaluation/multilabel-metrics.ts';
import { getModelVersion, listModelVersions } from '../../store/index.ts';
import {
  activateModel,
  changeThreshold,
  type EvaluationResult,
  evaluationHtml,
  findTask,
  hasRole,
  listTasks,
  rollbackTask,
} from '../../triage/index.ts';
import { storedMetrics } from '../../triage/stored-metrics.ts';
import { requireRole } from '../auth.ts';
import { html } from '../html.ts';
import { csrfOnly, idParams, TASK_NAME_SCHEMA } from '../route-schemas.ts';
import { modelListSection, modelPageHtml, multilabelReportHtml } from '../views/model-views.ts';

export const modelRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app.services;

  app.get('/models', { onRequest: requireRole('triager') }, async (req, reply) => {
    const rows = await listModelVersions(store.db);
    const admin = hasRole(req.user!, 'admin');
    const csrf = reply.generateCsrf();
    return reply.page(
      'Models',
      html`<h1>Models</h1>${(await listTasks(store)).map((t) =>
        modelListSection(
          t.name,
          rows.filter((r) => r.task === t.name),
          admin,
          csrf,
        ),
      )}`,
    );
  });

  app.get<{ Params: { id: number } }>(
    '/models/:id',
    { onRequest: requireRole('triager'), schema: { params: idParams } },
    async (req, reply) => {
      const m = await getModelVersion(store.db, req.params.id);
      if (!m) {
        reply.code(404);
        return reply.message('Not found', `There is no model ${req.params.id}.`);
      }
      const admin = hasRole(req.user!, 'admin');
      return reply.page(
        `${m.task} v${m.version}`,
        modelPageHtml(
          m,
          storedMetrics(m.metrics, `${m.task} v${m.version}`),
          admin ? reply.generateCsrf() : null,
        ),
      );
    },
  );

  // the stored evaluation report: every chart and table, as `evaluate --html` writes it
  app.get<{ Params: { id: number } }>(
    '/models/:id/report',
    { onRequest: requireRole('triager'), schema: { params: idParams } },
    async (req, reply) => {
      const m = await getModelVersion(store.db, req.params.id);
      if (!m) {
        reply.code(404);
        return reply.message('Not found', `There is no model ${req.params.id}.`);
      }
      // drawn now from the stored data; versions stored before that kept their page as HTML
      const title = `eightball ${m.task} model v${m.version}, trained ${m.created_at.slice(0, 10)}`;
      const metrics = storedMetrics(m.metrics, `${m.task} v${m.version}`);
      const page = m.report
        ? await evaluationHtml(JSON.parse(m.report) as EvaluationResult, title)
        : metrics.multilabel
          ? multilabelReportHtml(metrics.multilabel as MultilabelMetrics, title)
          : m.report_html;
      return reply.type('text/html; charset=utf-8').send(page);
    },
  );

  app.post<{ Params: { id: number } }>(
    '/models/:id/activate',
    {
      onRequest: requireRole('admin'),
      preHandler: app.csrfProtection,
      schema: { params: idParams, body: csrfOnly },
    },
    async (req, reply) => {
      const m = await activateModel(store, req.params.id, req.user!.id);
      req.session.set('flash', { kind: 'ok', text: `${m.task} v${m.version} is active.` });
      return reply.redirect('/models', 303);
    },
  );

  app.post<{ Params: { task: string } }>(
    '/models/task/:task/rollback',
    {
      onRequest: requireRole('admin'),
      preHandler: app.csrfProtection,
      schema: {
        params: { type: 'object', properties: { task: TASK_NAME_SCHEMA }, required: ['task'] },
        body: csrfOnly,
      },
    },
    async (req, reply) => {
      const task = req.params.task;
      if (!(await findTask(store, task))) return reply.code(404).message('Not found', 'no such task');
      const m = await rollbackTask(store, task, req.user!.id);
      req.session.set('flash', { kind: 'ok', text: `${m.task} v${m.version} is active again.` });
      return reply.redirect('/models', 303);
    },
  );

  app.post<{ Params: { id: number }; Body: { threshold: string } }>(
    '/models/:id/threshold',
    {
      onRequest: requireRole('admin'),
      preHandler: app.csrfProtection,
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['threshold'],
          properties: {
            threshold: { type: 'string', pattern: '^(0(\\.\\d{1,4})?|1(\\.0{1,4})?)$' },
            _csrf: { type: 'string', maxLength: 200 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      await changeThreshold(store, req.params.id, Number(req.body.threshold), req.user!.id);
      req.session.set('flash', { kind: 'ok', text: `Threshold set to ${req.body.threshold}.` });
      return reply.redirect(`/models/${req.params.id}`, 303);
    },
  );
};
