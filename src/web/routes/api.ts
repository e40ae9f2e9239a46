import type { FastifyPluginAsync } from 'fastify';
import { MAX_BATCH, submitBatch } from '../../jobs/batches.ts';
import { fileReport } from '../../jobs/notify.ts';
import {
  batchResults,
  correctionsFor,
  getBatch,
  getReportById,
  listModelVersions,
  predictionsFor,
} from '../../store/index.ts';
import {
  activateTaskVersion,
  authenticateToken,
  findTask,
  hasRole,
  listTasks,
  parseReportInput,
  recordFeedback,
  reportInputJsonSchema,
  taskSettings,
} from '../../triage/index.ts';
import { HEADLINE_METRICS, storedMetrics } from '../../triage/stored-metrics.ts';
import { classification, errors } from '../api-schemas.ts';
import { apiError, requireRole } from '../auth.ts';
import { idParams, TASK_NAME_SCHEMA } from '../route-schemas.ts';

const reportInput = reportInputJsonSchema({
  omit: ['reporter'],
  describe: { summary: 'the title of the report', description: 'the first comment' },
});

/** /classify's body: a report, and the tracker it comes from when the caller knows it. */
const classifyInput = reportInputJsonSchema({
  omit: ['reporter'],
  describe: { summary: 'the title of the report', description: 'the first comment' },
  extra: {
    source: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description:
        "the tracker the report comes from, as its stored reports name it (e.g. jira:HDFS): a task that keeps trackers apart answers among that tracker's labels, and the similar reports are its own",
    },
  },
});

/** The JSON API: Bearer tokens only (no cookies, so no CSRF), JSON errors with a code and the field. */
export const apiRoutes: FastifyPluginAsync<{ classifyRateLimit: number }> = async (app, opts) => {
  const { store, predictor, queue } = app.services;

  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/api/v1/openapi.json')) return;
    const h = req.headers.authorization;
    if (!h) return;
    const m = /^Bearer (\S+)$/.exec(h);
    const user = m ? await authenticateToken(store, m[1]!) : null;
    if (!user) return apiError(reply, 401, 'unauthorized', 'the API token is invalid or revoked');
    req.user = { id: Number(user.id), username: user.username, role: user.role, mustChangePassword: false };
    req.authVia = 'token';
  });

  const classifyLimit = {
    rateLimit: {
      max: opts.classifyRateLimit,
      timeWindow: '1 minute',
      keyGenerator: (req: { user: { id: number } | null; ip: string }) =>
        req.user ? `user:${req.user.id}` : req.ip,
    },
  };

  app.post(
    '/classify',
    {
      onRequest: requireRole('reporter'),
      config: classifyLimit,
      schema: {
        tags: ['classify'],
        summary: 'Classify a report without storing it',
        body: classifyInput,
        response: { 200: classification, ...errors },
      },
    },
    // as /reports would file it: by the token's user (component models read who reports)
    async (req) => {
      const { source, ...report } = req.body as { source?: string };
      return predictor.classify({ ...parseReportInput(report), reporter: req.user!.username }, { source });
    },
  );

  app.post(
    '/reports',
    {
      onRequest: requireRole('reporter'),
      schema: {
        tags: ['reports'],
        summary: 'File a report: it is stored with its predictions',
        body: reportInput,
        response: {
          201: {
            type: 'object',
            properties: { id: { type: 'integer' }, url: { type: 'string' }, ...classification.properties },
          },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const input = parseReportInput(req.body);
      const { id, classification: c } = await fileReport(store, predictor, queue, {
        ...input,
        reporter: req.user!.username,
      });
      return reply.code(201).send({ id, url: `/reports/${id}`, ...c });
    },
  );

  app.get<{ Params: { id: number } }>(
    '/reports/:id',
    {
      onRequest: requireRole('reporter'),
      schema: {
        tags: ['reports'],
        summary: 'A stored report with its predictions and corrections',
        params: idParams,
      },
    },
    async (req, reply) => {
      const found = await getReportById(store.db, req.params.id);
      if (!found) return apiError(reply, 404, 'not-found', `report ${req.params.id} not found`, 'id');
      const { raw: _raw, ...report } = found.report;
      return {
        id: found.id,
        report,
        predictions: await predictionsFor(store.db, found.id),
        corrections: await correctionsFor(store.db, found.id),
      };
    },
  );

  app.post<{
    Params: { id: number };
    Body: { task: string; label: string; accepted?: boolean; allowNew?: boolean };
  }>(
    '/reports/:id/feedback',
    {
      onRequest: requireRole('triager'),
      schema: {
        tags: ['reports'],
        summary: "Accept or correct a report's label for a task: used by the next training",
        params: idParams,
        body: {
          type: 'object',
          required: ['task', 'label'],
          properties: {
            task: TASK_NAME_SCHEMA,
            label: { type: 'string', minLength: 1, maxLength: 200 },
            accepted: { type: 'boolean', description: 'true when the prediction was right' },
            allowNew: {
              type: 'boolean',
              description:
                "a label the task does not know yet (not a class of its model nor a triager's earlier label) is refused with 400 unless this is true",
            },
          },
          additionalProperties: false,
        },
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (req, reply) => {
      const { task, label, accepted, allowNew } = req.body;
      if (!(await findTask(store, task)))
        return apiError(reply, 400, 'bad-request', `unknown task ${task}`, 'task');
      await recordFeedback(
        store,
        predictor,
        req.params.id,
        { task, label, accepted: accepted === true, allowNew: allowNew === true },
        req.user!.id,
      );
      return reply.code(204).send();
    },
  );

  app.get(
    '/tasks',
    {
      onRequest: requireRole('reporter'),
      schema: {
        tags: ['models'],
        summary: 'Every task /classify answers (once it has an active model): built in and team-defined',
      },
    },
    async () =>
      Promise.all(
        (await listTasks(store)).map(async (t) => ({
          name: t.name,
          kind: t.kind,
          builtIn: t.builtIn,
          description: t.description,
          labelSource: (await taskSettings(store, t)).labelSource,
        })),
      ),
  );

  app.get(
    '/models',
    {
      onRequest: requireRole('reporter'),
      schema: { tags: ['models'], summary: 'Every model version of every task, newest first' },
    },
    async () =>
      (await listModelVersions(store.db)).map((m) => ({
        id: m.id,
        task: m.task,
        version: m.version,
        active: m.active === 1,
        createdAt: m.created_at,
        activatedAt: m.activated_at,
        description: m.description,
        labelSource: m.label_source,
        threshold: m.threshold,
        metrics: pick(storedMetrics(m.metrics, `${m.task} v${m.version}`)),
      })),
  );

  app.post<{ Params: { task: string }; Body: { version?: number } | undefined }>(
    '/models/:task/activate',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['models'],
        summary: "Activate a task's version (the newest without a version)",
        params: {
          type: 'object',
          properties: { task: TASK_NAME_SCHEMA },
          required: ['task'],
        },
        body: {
          type: 'object',
          properties: { version: { type: 'integer', minimum: 1 } },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const task = req.params.task;
      if (!(await findTask(store, task)))
        return apiError(reply, 404, 'not-found', `unknown task ${task}`, 'task');
      const m = await activateTaskVersion(store, task, req.body?.version, req.user!.id);
      return { id: m.id, task: m.task, version: m.version, active: true };
    },
  );

  const jobParams = {
    type: 'object',
    properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } },
    required: ['id'],
  } as const;

  app.post<{ Body: { reports: unknown[] } }>(
    '/batches',
    {
      onRequest: requireRole('reporter'),
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['batches'],
        summary: `Classify up to ${MAX_BATCH} reports in the background: 202 with the job to follow`,
        body: {
          type: 'object',
          required: ['reports'],
          properties: { reports: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: reportInput } },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      if (!queue) return apiError(reply, 503, 'unavailable', 'no job queue is configured for this server');
      const { batchId, job } = await submitBatch(store, queue, req.body.reports, req.user!.id);
      return reply
        .code(202)
        .header('location', `/api/v1/jobs/${job.id}`)
        .send({
          jobId: job.id,
          batchId,
          total: req.body.reports.length,
          job: `/api/v1/jobs/${job.id}`,
          batch: `/api/v1/batches/${batchId}`,
        });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { offset?: number; limit?: number } }>(
    '/batches/:id',
    {
      onRequest: requireRole('reporter'),
      schema: {
        tags: ['batches'],
        summary: "A batch's progress, and its results a page at a time",
        params: jobParams,
        querystring: {
          type: 'object',
          properties: {
            offset: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const b = await getBatch(store.db, Number(req.params.id));
      // a reporter sees their own batches; triagers and admins see all (others' are simply not found)
      if (!b || !mayRead(req.user!, b.userId))
        return apiError(reply, 404, 'not-found', `batch ${req.params.id} not found`, 'id');
      const { userId: _u, ...batch } = b;
      const limit = req.query.limit ?? 100;
      const offset = req.query.offset ?? 0;
      return {
        ...batch,
        complete: b.done === b.total,
        offset,
        results: await batchResults(store.db, b.id, limit, offset),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/jobs/:id',
    {
      onRequest: requireRole('reporter'),
      schema: {
        tags: ['jobs'],
        summary: 'A job: state, progress and result (a batch job also its items done)',
        params: jobParams,
      },
    },
    async (req, reply) => {
      if (!queue) return apiError(reply, 503, 'unavailable', 'no job queue is configured for this server');
      const job = await queue.get(req.params.id);
      const notFound = () => apiError(reply, 404, 'not-found', `job ${req.params.id} not found`, 'id');
      if (!job) return notFound();
      const b =
        job.name === 'classify-batch'
          ? await getBatch(store.db, Number((job.data as { batchId: number }).batchId))
          : undefined;
      // a reporter sees the jobs of their own batches; the others (imports naming files on the
      // server, training) are triagers' business, and simply not found
      if (!mayRead(req.user!, b?.userId ?? null)) return notFound();
      if (b) {
        // the batch job only fans out: its state is the batch's, done when every item has its result
        const complete = b.done === b.total;
        const state = job.state === 'completed' && !complete ? 'active' : job.state;
        return {
          ...job,
          state,
          progress: {
            done: b.done,
            total: b.total,
            message: `batch ${b.id}: ${b.done} of ${b.total} classified`,
          },
          batch: { id: b.id, total: b.total, done: b.done, complete },
        };
      }
      return job;
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};

function mayRead(user: { id: number; role: string }, owner: number | null): boolean {
  return hasRole(user, 'triager') || owner === user.id;
}

const SUMMARY_KEYS: string[] = [...HEADLINE_METRICS, 'nTrain', 'nTest', 'classes', 'threshold'];

function pick(m: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(SUMMARY_KEYS.filter((k) => k in m).map((k) => [k, m[k]]));
}
