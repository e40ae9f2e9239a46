import type { FastifyPluginAsync } from 'fastify';
import { html } from '../html.ts';

interface Operation {
  summary?: string;
  tags?: string[];
  requestBody?: unknown;
  parameters?: unknown[];
}

/** The API's docs page, rendered on the server from the same OpenAPI document clients can fetch. */
export const docsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/docs', async (_req, reply) => {
    const doc = app.swagger() as { paths?: Record<string, Record<string, Operation>> };
    const ops = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
    return reply.page(
      'API',
      html`<h1>JSON API</h1>
<p>Every call sends <code>Authorization: Bearer TOKEN</code> (an admin creates tokens on the Admin page or with <code>eightball tokens create</code>).
Errors are JSON: <code>{"error": {"code", "message", "field"}}</code> with 400 (bad input, naming the field), 401 (no or bad token), 403 (role), 404, 413 (body over 512 KiB) or 429 (rate limit).
The OpenAPI document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
${ops.map(
  ({ path, method, op }) => html`<section class="op"><h2><code>${method} ${path}</code></h2>
<p>${op.summary ?? ''}</p>
${op.requestBody ? html`<details><summary>Request body schema</summary><pre>${JSON.stringify((op.requestBody as { content?: Record<string, { schema?: unknown }> }).content?.['application/json']?.schema ?? op.requestBody, null, 2)}</pre></details>` : ''}
</section>`,
)}
<h2>Example</h2>
<pre>curl -s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
  -d '{"summary":"Crash when printing a PDF","description":"Steps to reproduce..."}' \\
  http://127.0.0.1:8080/api/v1/classify</pre>`,
    );
  });
};
