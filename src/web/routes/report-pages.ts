import type { FastifyPluginAsync } from 'fastify';
import { type BugReport, EightballError } from '../../domain/index.ts';
import { fileReport } from '../../jobs/notify.ts';
import {
  commitsOfReport,
  commonValues,
  correctionsFor,
  correctionsForReports,
  getReportById,
  listReports,
  predictionsFor,
  predictionsForReports,
  storedSources,
} from '../../store/index.ts';
import {
  findTask,
  hasRole,
  inputFromReport,
  knownLabels,
  listTasks,
  modelLabels,
  parseReportInput,
  recordFeedback,
  reportInputJsonSchema,
  taskSettings,
  trackerOf,
} from '../../triage/index.ts';
import { requireRole } from '../auth.ts';
import { html } from '../html.ts';
import { confirmNewLabel } from '../new-label.ts';
import { queueFilter, REPORT_FILTER_PROPS, type ReportQuery } from '../report-query.ts';
import { str, TASK_NAME_SCHEMA } from '../route-schemas.ts';
import { classificationHtml } from '../views/classification.ts';
import { reportDetailHtml, reportListHtml, type TaskColumn } from '../views/report-views.ts';

const PAGE_SIZE = 50;

// the new-report form: the input's fields a reporter types (the reporter is who is logged in)
const reportForm = reportInputJsonSchema({ omit: ['version', 'reporter'], extra: { _csrf: str(200) } });

/** The form's fields without the CSRF token, validated by the same schema the API uses. */
function parseReport(body: Record<string, unknown>) {
  const { _csrf: _c, ...fields } = body;
  return parseReportInput(fields);
}

/** Every task as a column: its label read the way its training reads it. */
async function taskColumns(store: import('../../store/index.ts').Store): Promise<TaskColumn[]> {
  return Promise.all(
    (await listTasks(store)).map(async (t) => {
      const { labelSource } = await taskSettings(store, t);
      return {
        name: t.name,
        kind: t.kind,
        actual: (r: BugReport) => {
          const l = t.labelsOf(r, labelSource);
          return l === null ? null : l.length === 0 ? '(none)' : l.join(', ');
        },
      };
    }),
  );
}

export const reportRoutes: FastifyPluginAsync<{ classifyRateLimit: number }> = async (app, opts) => {
  const { store, predictor, queue } = app.services;

  app.get('/', { onRequest: requireRole('reporter') }, async (_req, reply) => {
    const [products, platforms, systems, severities] = await Promise.all([
      commonValues(store.db, 'product'),
      commonValues(store.db, 'platform', 50),
      commonValues(store.db, 'op_sys', 50),
      commonValues(store.db, 'severity', 20),
    ]);
    const list = (id: string, values: string[]) =>
      html`<datalist id="${id}">${values.map((v) => html`<option value="${v}"></option>`)}</datalist>`;
    const field = (name: string, label: string, listId: string) =>
      html`<label for="${name}">${label}</label><input id="${name}" name="${name}" maxlength="200" list="${listId}" data-suggest>`;
    return reply.page(
      'New report',
      html`<h1>New report</h1>
<div class="two">
<form method="post" action="/reports" class="stack" id="report-form">
<input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
<label for="summary">Summary</label>
<input id="summary" name="summary" required maxlength="1000" autocomplete="off" data-suggest>
<label for="description">Description</label>
<textarea id="description" name="description" rows="10" maxlength="65536" data-suggest></textarea>
${field('product', 'Product', 'products')}
${field('platform', 'Platform', 'platforms')}
${field('opSys', 'Operating system', 'systems')}
${field('severity', 'Severity', 'severities')}
${list('products', products)}${list('platforms', platforms)}${list('systems', systems)}${list('severities', severities)}
<button type="submit">File report</button>
</form>
<aside id="suggestions" aria-live="polite" aria-label="Suggestions">
<h2>Suggestions</h2>
<p class="hint">Start typing a summary: the likely category, components and similar reports appear here.</p>
</aside>
</div>`,
    );
  });

  // the live suggestions behind the new-report page: session + CSRF header, JSON out
  app.post(
    '/suggest',
    {
      schema: { body: reportForm },
      onRequest: requireRole('reporter'),
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: opts.classifyRateLimit, timeWindow: '1 minute' } },
      // a request per pause in typing: at info level, two log lines a keystroke
      logLevel: 'warn',
    },
    // as the report will be filed: by this user (a component model reads who reports); the panel
    // asks for HTML, drawn by the same code as the report page, others get the JSON
    async (req, reply) => {
      const c = await predictor.classify({
        ...parseReport(req.body as Record<string, unknown>),
        reporter: req.user!.username,
      });
      if (!req.headers.accept?.includes('text/html')) return c;
      return reply
        .type('text/html; charset=utf-8')
        .send(html`<h2>Suggestions</h2>${classificationHtml(c, { compact: true })}`.toString());
    },
  );

  app.post(
    '/reports',
    { schema: { body: reportForm }, onRequest: requireRole('reporter'), preHandler: app.csrfProtection },
    async (req, reply) => {
      const input = parseReport(req.body as Record<string, unknown>);
      const { id } = await fileReport(store, predictor, queue, { ...input, reporter: req.user!.username });
      req.session.set('flash', { kind: 'ok', text: `Report ${id} filed.` });
      return reply.redirect(`/reports/${id}`, 303);
    },
  );

  app.get<{ Querystring: ReportQuery }>(
    '/reports',
    {
      onRequest: requireRole('reporter'),
      schema: {
        querystring: {
          type: 'object',
          properties: {
            ...REPORT_FILTER_PROPS,
            page: { type: 'integer', minimum: 1, maximum: 100000 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const { page: _p, ...filter } = req.query;
      const page = req.query.page ?? 1;
      const { total, items } = await listReports(store.db, {
        ...queueFilter(filter),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      });
      const preds = await predictionsForReports(
        store.db,
        items.map((i) => i.id),
      );
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const given = Object.fromEntries(
        Object.entries(filter).filter(([, v]) => v !== undefined && v !== ''),
      ) as Record<string, string>;
      const link = (p: number) => `/reports?${new URLSearchParams({ ...given, page: String(p) })}`;
      const corrections = await correctionsForReports(
        store.db,
        items.map((i) => i.id),
      );
      return reply.page(
        'Reports',
        reportListHtml({
          filter,
          corrections,
          csrf: reply.generateCsrf(),
          canTriage: hasRole(req.user!, 'triager'),
          sources: await storedSources(store.db),
          page,
          pages,
          total,
          pageSize: PAGE_SIZE,
          items,
          preds,
          tasks: await taskColumns(store),
          link,
        }),
      );
    },
  );

  app.get<{ Params: { id: number } }>(
    '/reports/:id',
    {
      onRequest: requireRole('reporter'),
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
      },
    },
    async (req, reply) => {
      const found = await getReportById(store.db, req.params.id);
      if (!found) {
        reply.code(404);
        return reply.message('Not found', `There is no report ${req.params.id}.`);
      }
      const r = found.report;
      const [stored, corrections, models, fixes] = await Promise.all([
        predictionsFor(store.db, found.id),
        correctionsFor(store.db, found.id),
        predictor.models(),
        commitsOfReport(store.db, found.id),
      ]);
      // as when it was filed: the same fields, the reporter included (a component model reads who reports)
      // an imported report's neighbours come from its own tracker; one filed here may be any tracker's
      const live = await predictor.classify(inputFromReport(r), {
        excludeId: found.id,
        source: trackerOf(r),
      });
      const canTriage = hasRole(req.user!, 'triager');
      const csrf = reply.generateCsrf();
      const tasks = (await taskColumns(store)).map((t) => {
        const p = stored.find((x) => x.task === t.name);
        return {
          ...t,
          // a report imported rather than filed here has no stored prediction: offer the live one
          // a multi-label answer is its set (or "(none)"), never just its likeliest label
          predicted:
            t.kind === 'multilabel'
              ? (p?.label ?? live.answers[t.name]?.label ?? null)
              : (p?.label ?? p?.ranking[0]?.label ?? live.answers[t.name]?.ranking[0]?.label ?? null),
          known: modelLabels(models.get(t.name)),
        };
      });
      return reply.page(
        `Report ${found.id}`,
        reportDetailHtml({
          id: found.id,
          report: r,
          stored,
          corrections,
          tasks,
          live,
          canTriage,
          csrf,
          fixes,
        }),
      );
    },
  );

  app.post<{
    Params: { id: number };
    Body: { task: string; label: string; accepted: string; allowNew?: string };
  }>(
    '/reports/:id/feedback',
    {
      onRequest: requireRole('triager'),
      preHandler: app.csrfProtection,
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        body: {
          type: 'object',
          required: ['task', 'label', 'accepted'],
          properties: {
            task: TASK_NAME_SCHEMA,
            label: str(200),
            accepted: { type: 'string', enum: ['true', 'false'] },
            allowNew: { type: 'string', enum: ['true'] },
            _csrf: str(200),
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const { task, label, accepted, allowNew } = req.body;
      if (!(await findTask(store, task)))
        throw EightballError.about('task', 'usage', `unknown task "${task}" (eightball tasks list)`);
      if (accepted !== 'true' && allowNew !== 'true') {
        const known = await knownLabels(store, predictor, task);
        if (known.length > 0 && !known.includes(label.trim()))
          return reply.page(
            'A new label?',
            confirmNewLabel({
              csrf: reply.generateCsrf(),
              action: `/reports/${req.params.id}/feedback`,
              task,
              label: label.trim(),
              fields: { task, label: label.trim(), accepted: 'false' },
              known,
              back: `/reports/${req.params.id}`,
            }),
          );
      }
      await recordFeedback(
        store,
        predictor,
        req.params.id,
        { task, label, accepted: accepted === 'true', allowNew: allowNew === 'true' },
        req.user!.id,
      );
      req.session.set('flash', {
        kind: 'ok',
        text: `${task} of report ${req.params.id}: ${label} stored for the next training.`,
      });
      return reply.redirect(`/reports/${req.params.id}`, 303);
    },
  );
};
