import type { FastifyPluginAsync } from 'fastify';
import { getModelVersion, listModelVersions, type ModelSummaryRow } from '../../store/index.ts';
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
import { html, pct } from '../html.ts';
import { csrfOnly, idParams, TASK_NAME_SCHEMA } from '../route-schemas.ts';

export const modelRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app.services;

  app.get('/models', { onRequest: requireRole('triager') }, async (req, reply) => {
    const rows = await listModelVersions(store.db);
    const admin = hasRole(req.user!, 'admin');
    const csrf = reply.generateCsrf();
    const section = (task: string, list: ModelSummaryRow[]) => html`<section>
<h2>${task}</h2>
${
  list.length === 0
    ? html`<p>No version yet. Train one: <code>eightball train --task ${task}</code>.</p>`
    : html`<div class="scroll"><table>
<thead><tr><th scope="col">Version</th><th scope="col">Trained</th><th scope="col">Model</th><th scope="col">Accuracy</th><th scope="col">Macro-F1</th><th scope="col">Top-3</th><th scope="col">ECE</th><th scope="col">Threshold</th><th scope="col">State</th></tr></thead>
<tbody>${list.map((m) => {
        const x = storedMetrics(m.metrics, `${m.task} v${m.version}`);
        return html`<tr><td><a href="/models/${m.id}">v${m.version}</a></td><td>${m.created_at.slice(0, 16).replace('T', ' ')}</td><td>${m.description}</td>
<td>${pct(x.accuracy)}</td><td>${pct(x.macroF1)}</td><td>${pct(x.top3)}</td><td>${x.ece?.toFixed(3) ?? '–'}</td><td>${m.threshold.toFixed(2)}</td>
<td>${
          m.active === 1
            ? html`<strong>active</strong>`
            : admin
              ? html`<form method="post" action="/models/${m.id}/activate" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Activate v${m.version}</button></form>`
              : 'inactive'
        }</td></tr>`;
      })}</tbody></table></div>
${
  // only when there is an older version to go back to
  admin && list.some((m) => m.active === 1 && list.some((o) => o.version < m.version))
    ? html`<form method="post" action="/models/task/${task}/rollback" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Roll back ${task}</button></form>`
    : ''
}`
}
${admin ? html`<form method="post" action="/models/task/${task}/train" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Train ${task} now</button></form>` : ''}
</section>`;
    return reply.page(
      'Models',
      html`<h1>Models</h1>${(await listTasks(store)).map((t) =>
        section(
          t.name,
          rows.filter((r) => r.task === t.name),
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
      const x = storedMetrics(m.metrics, `${m.task} v${m.version}`);
      const admin = hasRole(req.user!, 'admin');
      return reply.page(
        `${m.task} v${m.version}`,
        html`<h1>${m.task} v${m.version} ${m.active === 1 ? html`<small>(active)</small>` : ''}</h1>
<dl class="meta">
<dt>Model</dt><dd>${m.description}</dd>
<dt>Label source</dt><dd>${m.label_source}</dd>
<dt>Validation</dt><dd>${x.nTrain} train / ${x.nTest} test reports (time split), ${x.classes} classes</dd>
<dt>Accuracy</dt><dd>${pct(x.accuracy)}</dd><dt>Macro-F1</dt><dd>${pct(x.macroF1)}</dd><dt>Top-3</dt><dd>${pct(x.top3)}</dd>
<dt>Threshold</dt><dd>${m.threshold.toFixed(3)}${x.threshold ? html` (chosen for cost ${x.threshold.cost}${x.threshold.chosenOn ? ` on ${x.threshold.chosenOn}` : ''}; on the test window${x.threshold.chosenOn ? ', which did not choose it,' : ''} it answers ${pct(x.threshold.coverage)} of reports at ${pct(x.threshold.precision)} precision)` : ''}</dd>
${x.droppedClasses && x.droppedClasses.length > 0 ? html`<dt>Dropped rare classes</dt><dd><details><summary>${x.droppedClasses.length} classes with fewer than 5 training reports</summary>${x.droppedClasses.map((d) => `${d.label} (${d.trainCount})`).join(', ')}</details></dd>` : ''}
</dl>
${
  admin
    ? html`<form method="post" action="/models/${m.id}/threshold" class="inline">
<input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
<label for="threshold">Threshold</label> <input id="threshold" name="threshold" type="number" min="0" max="1" step="0.01" value="${m.threshold.toFixed(2)}" required>
<button type="submit">Set threshold</button></form>`
    : ''
}
<p><a href="/models/${m.id}/report">Open the evaluation report on its own page</a></p>
<iframe class="report" src="/models/${m.id}/report" title="Evaluation report of ${m.task} v${m.version}"></iframe>`,
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
      const page = m.report
        ? await evaluationHtml(
            JSON.parse(m.report) as EvaluationResult,
            `eightball ${m.task} model v${m.version}, trained ${m.created_at.slice(0, 10)}`,
          )
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
