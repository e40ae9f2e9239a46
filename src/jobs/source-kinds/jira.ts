import { EightballError } from '../../domain/index.ts';
import { checkProjectKey } from '../../sources/jira-rest.ts';
import { importJira } from '../import-jira.ts';
import type { SourceKind } from './source-kind.ts';

const KEYS = new Set(['project', 'jql', 'api']);

/** A Jira project, synced by JQL from the newest update stored (EIGHTBALL_JIRA_EMAIL / _TOKEN sign in). */
export const jiraSource: SourceKind = {
  kind: 'jira',
  label: 'Jira project',
  locationHint:
    'the site URL, e.g. https://issues.apache.org/jira (query: project=HIVE&jql=issuetype%3DBug&api=server)',
  check({ location, query }) {
    if (!/^https?:\/\/\S+$/.test(location))
      throw EightballError.about('location', 'usage', 'location: a Jira source needs an http(s) URL');
    const p = new URLSearchParams(query);
    for (const k of p.keys())
      if (!KEYS.has(k))
        throw EightballError.about('query', 'usage', `query: "${k}" is not project, jql or api`);
    const project = p.get('project');
    if (!project) throw EightballError.about('query', 'usage', 'query: project=KEY is needed');
    try {
      checkProjectKey(project);
    } catch {
      throw EightballError.about('query', 'usage', `query: project "${project}" is not a Jira project key`);
    }
    const api = p.get('api');
    if (api !== null && api !== 'cloud' && api !== 'server')
      throw EightballError.about('query', 'usage', `query: api "${api}" is not cloud or server`);
  },
  storedAs: (name) => `jira:${name}`,
  sync(store, source, ctx) {
    const p = new URLSearchParams(source.query);
    const api = p.get('api');
    return importJira(store, {
      url: source.location,
      project: p.get('project') ?? '',
      jql: p.get('jql') ?? undefined,
      api: api === 'cloud' || api === 'server' ? api : undefined,
      email: ctx.secrets.jiraEmail,
      token: ctx.secrets.jiraToken,
      source: jiraSource.storedAs(source.name),
      signal: ctx.signal,
      onProgress: ctx.onProgress,
    });
  },
};
