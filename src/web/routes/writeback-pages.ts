import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { EightballError } from '../../domain/index.ts';
import { listActions, listWritebackRules, storedSources } from '../../store/index.ts';
import { dryRun } from '../../trackers/dry-run.ts';
import { undoAction } from '../../trackers/writeback.ts';
import { setWritebackRule } from '../../trackers/writeback-rules.ts';
import { listTasks } from '../../triage/index.ts';
import { requireRole } from '../auth.ts';
import type { Flash } from '../layout.ts';
import { idParams, str, TASK_NAME_SCHEMA, withCsrf } from '../route-schemas.ts';
import { type WritebackPageData, writebackPageHtml } from '../views/writeback-view.ts';

/** `/admin/writeback`: the write-back rules, a dry run, and the actions taken, each with its undo. */
export const writebackRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app.services;
  const admin = { onRequest: requireRole('admin'), preHandler: app.csrfProtection };

  async function data(extra: Partial<WritebackPageData> = {}): Promise<WritebackPageData> {
    const [rules, actions, tasks, sources] = await Promise.all([
      listWritebackRules(store.db),
      listActions(store.db, 100),
      listTasks(store),
      storedSources(store.db),
    ]);
    return {
      rules,
      actions,
      tasks: tasks.filter((t) => t.kind !== 'rank').map((t) => t.name),
      sources: sources.filter((s) => /^(bugzilla|github|jira):/.test(s)),
      ...extra,
    };
  }
  const show = async (reply: FastifyReply, extra?: Partial<WritebackPageData>, flash?: Flash) =>
    reply.page('Write-back', writebackPageHtml(reply.generateCsrf(), await data(extra)), flash);

  app.get<{
    Querystring: { dryRun?: string; source?: string; task?: string; last?: number; threshold?: number };
  }>(
    '/admin/writeback',
    {
      onRequest: requireRole('admin'),
      schema: {
        querystring: {
          type: 'object',
          properties: {
            dryRun: str(1),
            source: str(200),
            task: TASK_NAME_SCHEMA,
            last: { type: 'integer', minimum: 1, maximum: 2000 },
            threshold: { type: 'number', minimum: 0, maximum: 1 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      if (!q.dryRun || !q.source || !q.task) return show(reply);
      const form = { source: q.source, task: q.task, last: q.last ?? 100, threshold: q.threshold ?? 0.8 };
      try {
        const r = await dryRun(store, app.services.predictor, {
          source: q.source,
          task: q.task,
          last: form.last,
          rule: { threshold: form.threshold },
        });
        return show(reply, { dryRun: r, dryRunForm: form });
      } catch (e) {
        if (!(e instanceof EightballError) || e.code === 'database') throw e;
        return show(reply.code(400), { dryRunForm: form }, { kind: 'error', text: e.message });
      }
    },
  );

  app.post<{
    Body: {
      source: string;
      task: string;
      mode: string;
      threshold?: string;
      untriaged?: string;
      needsTriageLabel?: string;
    };
  }>(
    '/admin/writeback/rules',
    {
      ...admin,
      schema: {
        body: withCsrf(
          {
            source: str(200),
            task: TASK_NAME_SCHEMA,
            mode: { type: 'string', enum: ['off', 'suggest', 'apply'] },
            threshold: str(10),
            untriaged: str(500),
            needsTriageLabel: str(100),
          },
          ['source', 'task', 'mode'],
        ),
      },
    },
    async (req, reply) => {
      const b = req.body;
      try {
        const rule = await setWritebackRule(
          store,
          {
            source: b.source,
            task: b.task,
            mode: b.mode,
            ...(b.threshold?.trim() ? { threshold: Number(b.threshold) } : {}),
            ...(b.untriaged !== undefined && b.untriaged.trim() !== ''
              ? { untriaged: b.untriaged.split(',').map((u) => u.trim()) }
              : {}),
            ...(b.needsTriageLabel !== undefined ? { needsTriageLabel: b.needsTriageLabel } : {}),
          },
          req.user!.id,
        );
        return show(reply, undefined, {
          kind: 'ok',
          text: `${rule.source} ${rule.task}: ${rule.mode} at ${rule.threshold}.`,
        });
      } catch (e) {
        if (!(e instanceof EightballError) || e.code === 'database') throw e;
        return show(reply.code(400), undefined, { kind: 'error', text: e.message });
      }
    },
  );

  app.post<{ Params: { id: number } }>(
    '/admin/writeback/actions/:id/undo',
    {
      onRequest: requireRole('triager'),
      preHandler: app.csrfProtection,
      schema: { params: idParams, body: withCsrf({}, []) },
    },
    async (req, reply) => {
      try {
        const message = await undoAction(store, req.params.id, req.user!.id, {
          secrets: app.services.trackerSecrets ?? {},
        });
        return show(reply, undefined, { kind: 'ok', text: `Action ${req.params.id} undone: ${message}.` });
      } catch (e) {
        if (!(e instanceof EightballError) || e.code === 'database') throw e;
        return show(reply.code(e.code === 'not-found' ? 404 : 409), undefined, {
          kind: 'error',
          text: e.message,
        });
      }
    },
  );
};
