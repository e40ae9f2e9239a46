import type { FastifyPluginAsync } from 'fastify';
import type { JobState } from '../../jobs/queue.ts';
import { addAudit } from '../../store/index.ts';
import { findTask } from '../../triage/index.ts';
import { requireRole } from '../auth.ts';
import { csrfOnly, TASK_NAME_SCHEMA } from '../route-schemas.ts';
import { jobsPageHtml } from '../views/job-views.ts';

const STATES: JobState[] = ['waiting', 'delayed', 'active', 'completed', 'dead', 'cancelled'];
const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } },
  required: ['id'],
} as const;

/** The jobs page: what runs, what waits, what failed; retry and cancel; train buttons enqueue here. */
export const jobRoutes: FastifyPluginAsync = async (app) => {
  const { queue, store } = app.services;

  app.get<{ Querystring: { state?: JobState } }>(
    '/jobs',
    {
      onRequest: requireRole('triager'),
      schema: {
        querystring: {
          type: 'object',
          properties: { state: { type: 'string', enum: STATES } },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      if (!queue) return reply.code(503).message('Jobs', 'No job queue is configured for this server.');
      const jobs = await queue.list({ ...(req.query.state ? { state: req.query.state } : {}), limit: 100 });
      const csrf = reply.generateCsrf();
      const busy = jobs.some((j) => j.state === 'active' || j.state === 'waiting');
      return reply.page(
        'Jobs',
        jobsPageHtml({ backend: queue.backend, states: STATES, jobs, csrf, busy }),
        undefined,
        busy ? { refreshSeconds: 3 } : {},
      );
    },
  );

  for (const action of ['retry', 'cancel'] as const) {
    app.post<{ Params: { id: string } }>(
      `/jobs/:id/${action}`,
      {
        onRequest: requireRole('triager'),
        preHandler: app.csrfProtection,
        schema: { params: idParams, body: csrfOnly },
      },
      async (req, reply) => {
        if (!queue) return reply.code(503).message('Jobs', 'No job queue is configured for this server.');
        const ok = action === 'retry' ? await queue.retry(req.params.id) : await queue.cancel(req.params.id);
        req.session.set(
          'flash',
          ok
            ? {
                kind: 'ok',
                text: `Job ${req.params.id}: ${action === 'retry' ? 'queued again' : 'cancel requested'}.`,
              }
            : {
                kind: 'error',
                text: `Job ${req.params.id} cannot be ${action === 'retry' ? 'retried' : 'cancelled'} in its state.`,
              },
        );
        return reply.redirect('/jobs', 303);
      },
    );
  }

  app.post<{ Params: { task: string } }>(
    '/models/task/:task/train',
    {
      onRequest: requireRole('admin'),
      preHandler: app.csrfProtection,
      schema: {
        params: { type: 'object', properties: { task: TASK_NAME_SCHEMA }, required: ['task'] },
        body: csrfOnly,
      },
    },
    async (req, reply) => {
      if (!queue) return reply.code(503).message('Jobs', 'No job queue is configured for this server.');
      if (!(await findTask(store, req.params.task)))
        return reply.code(404).message('Not found', 'no such task');
      const job = await queue.enqueue(
        'train',
        { task: req.params.task },
        { dedupKey: `train:${req.params.task}` },
      );
      await addAudit(
        store.db,
        { userId: req.user!.id, action: 'model.train', detail: `${req.params.task}: job ${job.id}` },
        new Date().toISOString(),
      );
      req.session.set('flash', { kind: 'ok', text: `Training ${req.params.task}: job ${job.id}.` });
      return reply.redirect('/jobs', 303);
    },
  );
};
