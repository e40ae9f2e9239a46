import type { FastifyPluginAsync } from 'fastify';
import { EightballError } from '../../domain/index.ts';
import { fileReport } from '../../jobs/notify.ts';
import {
  commonValues,
  correctionsFor,
  getReportById,
  listReports,
  predictionsFor,
  predictionsForReports,
  type StoredPrediction,
} from '../../store/index.ts';
import {
  type Classification,
  hasRole,
  inputFromReport,
  isTaskName,
  knownLabels,
  parseReportInput,
  recordFeedback,
  reportInputJsonSchema,
  TASKS,
} from '../../triage/index.ts';
import { requireRole } from '../auth.ts';
import { html, pct, type SafeHtml } from '../html.ts';
import { confirmNewLabel } from '../new-label.ts';
import { str } from '../route-schemas.ts';

const PAGE_SIZE = 50;

// the new-report form: the input's fields a reporter types (the reporter is who is logged in)
const reportForm = reportInputJsonSchema({ omit: ['version', 'reporter'], extra: { _csrf: str(200) } });

/** The form's fields without the CSRF token, validated by the same schema the API uses. */
function parseReport(body: Record<string, unknown>) {
  const { _csrf: _c, ...fields } = body;
  return parseReportInput(fields);
}

/**
 * A classification as the pages show it, rendered here only: the report page and the live
 * suggestions panel (which asks `/suggest` for this as HTML) draw the same markup. `compact`: the
 * top label's reasons only, as fits a panel beside a form being typed in.
 */
export function classificationHtml(c: Classification, opts: { compact?: boolean } = {}): SafeHtml {
  const tasks = Object.values(c.answers);
  if (tasks.length === 0)
    return html`<p>No model is active yet: a triager trains one with <code>eightball train</code>.</p>`;
  return html`${tasks.map(
    (a) => html`<section class="answer" aria-label="${a.task}" data-task="${a.task}">
<h3>${a.task}: ${a.needsHuman ? html`<span class="abstain">needs a human</span> <span class="p">(best ${pct(a.probability)}, below the ${pct(a.threshold)} threshold)</span>` : html`<strong>${a.label}</strong> ${pct(a.probability)}`}</h3>
<ol class="ranking">${a.ranking
      .slice(0, 3)
      .map(
        (r) =>
          html`<li><span class="bar" style="width:${Math.round(r.probability * 100)}%"></span><span class="lbl">${r.label}</span> <span class="p">${pct(r.probability)}</span></li>`,
      )}</ol>
${a.explanation
  .slice(0, opts.compact ? 1 : undefined)
  .filter((e) => e.reasons.length > 0)
  .map(
    (e) =>
      html`<p class="why">Why ${e.label}: ${e.reasons.slice(0, opts.compact ? 3 : undefined).join('; ')}</p>`,
  )}
</section>`,
  )}
${
  c.similar.length > 0
    ? html`<section class="similar"><h3>Similar reports</h3><ul>${c.similar.map(
        (s) =>
          html`<li><a href="/reports/${s.id}">${s.summary}</a> <span class="p">${pct(s.similarity)}</span></li>`,
      )}</ul></section>`
    : ''
}`;
}

function predictedCell(preds: StoredPrediction[] | undefined, task: string): SafeHtml {
  const p = preds?.find((x) => x.task === task);
  if (!p) return html`–`;
  return p.abstained
    ? html`<span class="abstain">? ${p.ranking[0]?.label ?? ''}</span>`
    : html`${p.label} <span class="p">${pct(p.probability)}</span>`;
}

function actualOf(
  r: { product: string | null; component: string | null; type: string | null },
  task: string,
) {
  if (task === 'component') return r.product && r.component ? `${r.product}::${r.component}` : null;
  return r.type;
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

  app.get<{ Querystring: { q?: string; product?: string; component?: string; page?: number } }>(
    '/reports',
    {
      onRequest: requireRole('reporter'),
      schema: {
        querystring: {
          type: 'object',
          properties: {
            q: str(200),
            product: str(200),
            component: str(200),
            page: { type: 'integer', minimum: 1, maximum: 100000 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const { q, product, component } = req.query;
      const page = req.query.page ?? 1;
      const { total, items } = await listReports(store.db, {
        q,
        product,
        component,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      });
      const preds = await predictionsForReports(
        store.db,
        items.map((i) => i.id),
      );
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const link = (p: number) =>
        `/reports?${new URLSearchParams({ ...(q ? { q } : {}), ...(product ? { product } : {}), ...(component ? { component } : {}), page: String(p) })}`;
      return reply.page(
        'Reports',
        html`<h1>Reports</h1>
<form method="get" action="/reports" class="filters" role="search">
<label for="q">Search</label><input id="q" name="q" value="${q ?? ''}" maxlength="200">
<label for="fproduct">Product</label><input id="fproduct" name="product" value="${product ?? ''}" maxlength="200">
<label for="fcomponent">Component</label><input id="fcomponent" name="component" value="${component ?? ''}" maxlength="200">
<button type="submit">Filter</button>
</form>
<p>${total} reports${total > PAGE_SIZE ? html`, page ${page} of ${pages}` : ''}</p>
<div class="scroll"><table>
<thead><tr><th scope="col">#</th><th scope="col">Summary</th><th scope="col">Actual component</th><th scope="col">Predicted component</th><th scope="col">Actual category</th><th scope="col">Predicted category</th></tr></thead>
<tbody>${items.map(
          (
            r,
          ) => html`<tr><td><a href="/reports/${r.id}">${r.id}</a></td><td><a href="/reports/${r.id}">${r.summary}</a></td>
<td>${actualOf(r, 'component') ?? '–'}</td><td>${predictedCell(preds.get(r.id), 'component')}</td>
<td>${r.type ?? '–'}</td><td>${predictedCell(preds.get(r.id), 'category')}</td></tr>`,
        )}</tbody></table></div>
<nav aria-label="Pages" class="pager">${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">Newer</a>` : ''} ${page < pages ? html`<a href="${link(page + 1)}" rel="next">Older</a>` : ''}</nav>`,
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
      const [stored, corrections, models] = await Promise.all([
        predictionsFor(store.db, found.id),
        correctionsFor(store.db, found.id),
        predictor.models(),
      ]);
      // as when it was filed: the same fields, the reporter included (a component model reads who reports)
      const live = await predictor.classify(inputFromReport(r), { excludeId: found.id });
      const canTriage = hasRole(req.user!, 'triager');
      const csrf = reply.generateCsrf();
      const taskRow = (task: (typeof TASKS)[number]) => {
        const p = stored.find((x) => x.task === task);
        const c = corrections.find((x) => x.task === task);
        // a report imported rather than filed here has no stored prediction: offer the live one
        const predicted = p?.label ?? p?.ranking[0]?.label ?? live.answers[task]?.ranking[0]?.label ?? null;
        const classes = models.get(task)?.classifier.classes ?? [];
        return html`<tr><th scope="row">${task}</th>
<td>${actualOf({ product: r.product, component: r.component, type: r.type }, task) ?? '–'}</td>
<td>${predictedCell(stored, task)}</td>
<td>${c ? html`${c.label} (${c.accepted ? 'accepted' : 'corrected'})` : '–'}</td>
<td>${
          canTriage
            ? html`${
                predicted
                  ? html`<form method="post" action="/reports/${found.id}/feedback" class="inline">
<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="task" value="${task}">
<input type="hidden" name="label" value="${predicted}"><input type="hidden" name="accepted" value="true">
<button type="submit">Accept ${predicted}</button></form>`
                  : ''
              }
<form method="post" action="/reports/${found.id}/feedback" class="inline">
<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="task" value="${task}">
<input type="hidden" name="accepted" value="false">
<label class="sr" for="fix-${task}">Correct ${task}</label>
<input id="fix-${task}" name="label" list="classes-${task}" required maxlength="200" placeholder="correct label">
<datalist id="classes-${task}">${classes.map((k) => html`<option value="${k}"></option>`)}</datalist>
<button type="submit">Correct</button></form>`
            : ''
        }</td></tr>`;
      };
      return reply.page(
        `Report ${found.id}`,
        html`<h1>${r.summary}</h1>
<dl class="meta">
<dt>Source</dt><dd>${r.url && /^https?:\/\//i.test(r.url) ? html`<a href="${r.url}" rel="noopener noreferrer">${r.source}:${r.externalId}</a>` : `${r.source}:${r.externalId}`}</dd>
<dt>Product</dt><dd>${r.product ?? '–'}</dd><dt>Component</dt><dd>${r.component ?? '–'}</dd>
<dt>Type</dt><dd>${r.type ?? '–'}</dd><dt>Severity</dt><dd>${r.severity ?? '–'}</dd>
<dt>Platform</dt><dd>${r.platform ?? '–'} / ${r.opSys ?? '–'}</dd>
<dt>Filed</dt><dd>${r.createdAt ?? '–'}${r.reporter ? ` by ${r.reporter}` : ''}</dd>
</dl>
<h2>Description</h2>
<pre class="description">${r.description || '(none)'}</pre>
<h2>Predicted and actual</h2>
<div class="scroll"><table>
<thead><tr><th scope="col">Task</th><th scope="col">Actual</th><th scope="col">Predicted when filed</th><th scope="col">Triager's label</th><th scope="col">${canTriage ? 'Feedback' : ''}</th></tr></thead>
<tbody>${TASKS.map(taskRow)}</tbody></table></div>
<h2>The active models now</h2>
${classificationHtml(live)}`,
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
            task: { type: 'string', enum: [...TASKS] },
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
      if (!isTaskName(task)) throw new EightballError('usage', `unknown task ${task}`);
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
