import { EightballError } from '../../domain/index.ts';
import { requestJsonWithRetry } from '../../sources/http-retry.ts';
import type { TrackerWriter, WriterOptions } from '../tracker-writer.ts';

/** Bugzilla's REST API: `PUT /rest/bug/{id}` for product, component and keywords; comments. */
export function bugzillaWriter(baseUrl: string, o: WriterOptions): TrackerWriter {
  const base = baseUrl.replace(/\/+$/, '');
  const key = o.secrets.bugzillaApiKey;
  const call = (method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown) => {
    if (!key && method !== 'GET')
      throw new EightballError('config', 'writing to Bugzilla needs an API key (EIGHTBALL_BUGZILLA_API_KEY)');
    return requestJsonWithRetry(method, `${base}${path}`, {
      headers: key ? { 'X-BUGZILLA-API-KEY': key } : {},
      ...(body !== undefined ? { body } : {}),
      ...(o.retry ? { policy: o.retry } : {}),
    });
  };
  return {
    tracker: 'bugzilla',
    answersAs: 'component',
    async read(id) {
      const r = (await call(
        'GET',
        `/rest/bug/${encodeURIComponent(id)}?include_fields=product,component,keywords`,
      )) as {
        bugs?: { product?: string; component?: string; keywords?: string[] }[];
      };
      const b = r.bugs?.[0];
      if (!b) throw new EightballError('not-found', `Bugzilla bug ${id} not found`);
      return { product: b.product ?? null, component: b.component ?? null, labels: b.keywords ?? [] };
    },
    async setComponent(id, product, component) {
      await call('PUT', `/rest/bug/${encodeURIComponent(id)}`, {
        ...(product ? { product } : {}),
        component,
      });
    },
    async addLabels(id, labels) {
      await call('PUT', `/rest/bug/${encodeURIComponent(id)}`, { keywords: { add: labels } });
    },
    async removeLabels(id, labels) {
      await call('PUT', `/rest/bug/${encodeURIComponent(id)}`, { keywords: { remove: labels } });
    },
    async comment(id, body) {
      const r = (await call('POST', `/rest/bug/${encodeURIComponent(id)}/comment`, { comment: body })) as {
        id?: unknown;
      };
      return String(r.id ?? '');
    },
    // bugzilla.mozilla.org edits comments (its EditComments extension); elsewhere this fails and a
    // changed answer is left to the next comment
    async editComment(_id, commentId, body) {
      await call('PUT', `/rest/bug/comment/${encodeURIComponent(commentId)}`, { comment: body });
    },
  };
}
