import type { FastifyPluginAsync } from 'fastify';
import { EightballError } from '../../domain/index.ts';
import { addAudit, filteredReportIds, predictionsForReports, saveCorrection } from '../../store/index.ts';
import { findTask } from '../../triage/index.ts';
import { requireRole } from '../auth.ts';
import { queueFilter, REPORT_FILTER_PROPS } from '../report-query.ts';
import { str, TASK_NAME_SCHEMA } from '../route-schemas.ts';

/** At most this many reports are classified from one click; the rest by another. */
export const CLASSIFY_CAP = 5000;
const JOB_CHUNK = 200;
const ID = '^[0-9]{1,12}$';

const filterProps = { ...REPORT_FILTER_PROPS, _csrf: str(200) } as const;

/** The triage queue's actions on the reports list: accept many answers at once; classify many stored reports. */
export const queueRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app.services;
  const triager = { onRequest: requireRole('triager'), preHandler: app.csrfProtection };

  app.post<{ Body: { task: string; ids?: string | string[]; _csrf?: string } }>(
    '/reports/bulk-accept',
    {
      ...triager,
      schema: {
        body: {
          type: 'object',
          required: ['task'],
          properties: {
            task: TASK_NAME_SCHEMA,
            ids: {
              oneOf: [
                { type: 'string', pattern: ID },
                { type: 'array', maxItems: 200, items: { type: 'string', pattern: ID } },
              ],
            },
            _csrf: str(200),
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const { task } = req.body;
      if (!(await findTask(store, task)))
        throw EightballError.about('task', 'usage', `unknown task "${task}"`);
      const ids = [req.body.ids ?? []].flat().map(Number);
      if (ids.length === 0) {
        req.session.set('flash', { kind: 'error', text: 'Check the reports whose answers to accept first.' });
        return reply.redirect('/reports', 303);
      }
      const preds = await predictionsForReports(store.db, ids);
      const now = new Date().toISOString();
      let accepted = 0;
      for (const id of ids) {
        const p = preds.get(id)?.find((x) => x.task === task);
        if (!p?.label) continue;
        await saveCorrection(
          store.db,
          id,
          { task, label: p.label, accepted: true, userId: req.user!.id },
          now,
        );
        accepted++;
      }
      await addAudit(
        store.db,
        {
          userId: req.user!.id,
          action: 'prediction.accept-many',
          detail: `${task}: ${accepted} of ${ids.length} reports (${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''})`,
        },
        now,
      );
      req.session.set('flash', {
        kind: 'ok',
        text: `Accepted the predicted ${task} of ${accepted} report${accepted === 1 ? '' : 's'}${accepted < ids.length ? ` (${ids.length - accepted} had no answer to accept)` : ''}.`,
      });
      return reply.redirect('/reports', 303);
    },
  );

  app.post<{ Body: Record<string, string | undefined> }>(
    '/reports/classify-matching',
    {
      ...triager,
      schema: { body: { type: 'object', properties: filterProps, additionalProperties: false } },
    },
    async (req, reply) => {
      const { queue } = app.services;
      if (!queue) return reply.code(503).message('Jobs', 'No job queue is configured for this server.');
      const { _csrf, ...f } = req.body;
      const ids = await filteredReportIds(
        store.db,
        queueFilter(f as Parameters<typeof queueFilter>[0]),
        CLASSIFY_CAP,
      );
      const jobs: string[] = [];
      for (let i = 0; i < ids.length; i += JOB_CHUNK) {
        const job = await queue.enqueue(
          'classify-reports',
          { ids: ids.slice(i, i + JOB_CHUNK) },
          { attempts: 3 },
        );
        jobs.push(job.id);
      }
      await addAudit(
        store.db,
        {
          userId: req.user!.id,
          action: 'reports.classify',
          detail: `${ids.length} reports in ${jobs.length} jobs`,
        },
        new Date().toISOString(),
      );
      req.session.set('flash', {
        kind: 'ok',
        text: `Classifying ${ids.length} reports in ${jobs.length} job${jobs.length === 1 ? '' : 's'}.`,
      });
      return reply.redirect('/jobs', 303);
    },
  );
};
