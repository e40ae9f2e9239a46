import { EightballError } from '../../domain/index.ts';
import { jiraAuthOf } from '../../jobs/import-jira.ts';
import { requestJsonWithRetry } from '../../sources/http-retry.ts';
import { jiraHeaders } from '../../sources/jira-rest.ts';
import type { TrackerWriter, WriterOptions } from '../tracker-writer.ts';

/** Jira's REST API v2: components and labels by `PUT /rest/api/2/issue/{key}`, comments. */
export function jiraWriter(baseUrl: string, o: WriterOptions): TrackerWriter {
  const base = baseUrl.replace(/\/+$/, '');
  const auth = jiraAuthOf(o.secrets.jiraEmail, o.secrets.jiraToken);
  const call = (method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown) => {
    if (auth.kind === 'none' && method !== 'GET')
      throw new EightballError(
        'config',
        'writing to Jira needs a token (EIGHTBALL_JIRA_TOKEN, and EIGHTBALL_JIRA_EMAIL on Cloud)',
      );
    return requestJsonWithRetry(method, `${base}${path}`, {
      headers: jiraHeaders(auth),
      ...(body !== undefined ? { body } : {}),
      ...(o.retry ? { policy: o.retry } : {}),
    });
  };
  const issue = (id: string) => `/rest/api/2/issue/${encodeURIComponent(id)}`;
  return {
    tracker: 'jira',
    answersAs: 'component',
    async read(id) {
      const r = (await call('GET', `${issue(id)}?fields=components,labels,project`)) as {
        fields?: { components?: { name?: string }[]; labels?: string[]; project?: { key?: string } };
      };
      const f = r.fields ?? {};
      return {
        product: f.project?.key ?? null,
        component: f.components?.[0]?.name ?? null,
        labels: f.labels ?? [],
      };
    },
    // a Jira issue's project is not moved by an edit: only the component is set
    async setComponent(id, _product, component) {
      await call('PUT', issue(id), { fields: { components: [{ name: component }] } });
    },
    async addLabels(id, labels) {
      await call('PUT', issue(id), { update: { labels: labels.map((l) => ({ add: l })) } });
    },
    async removeLabels(id, labels) {
      await call('PUT', issue(id), { update: { labels: labels.map((l) => ({ remove: l })) } });
    },
    async comment(id, body) {
      const r = (await call('POST', `${issue(id)}/comment`, { body })) as { id?: unknown };
      return String(r.id ?? '');
    },
    async editComment(id, commentId, body) {
      await call('PUT', `${issue(id)}/comment/${encodeURIComponent(commentId)}`, { body });
    },
  };
}
