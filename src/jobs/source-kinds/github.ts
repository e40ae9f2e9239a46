import { EightballError } from '../../domain/index.ts';
import { parseRepo } from '../../sources/github-rest.ts';
import { importGithub } from '../import-github.ts';
import type { SourceKind } from './source-kind.ts';

/** `api=https://HOST/api/v3` (GitHub Enterprise) → the import's API root. */
function apiOf(query: string): string | undefined {
  return new URLSearchParams(query).get('api') ?? undefined;
}

/** A GitHub repository's issues, synced from the newest update stored (EIGHTBALL_GITHUB_TOKEN signs in). */
export const githubSource: SourceKind = {
  kind: 'github',
  label: 'GitHub issues',
  locationHint: 'OWNER/REPO, e.g. webcompat/web-bugs (query: api=https://HOST/api/v3 for GitHub Enterprise)',
  check({ location, query }) {
    try {
      parseRepo(location);
    } catch {
      throw EightballError.about('location', 'usage', `location: "${location}" is not OWNER/REPO`);
    }
    for (const [k, v] of new URLSearchParams(query))
      if (k !== 'api') throw EightballError.about('query', 'usage', `query: "${k}" is not api`);
      else if (!/^https?:\/\/\S+$/.test(v))
        throw EightballError.about('query', 'usage', `query: api "${v}" is not an http(s) URL`);
  },
  storedAs: (name) => `github:${name}`,
  sync: (store, source, ctx) =>
    importGithub(store, {
      repo: source.location,
      apiUrl: apiOf(source.query),
      token: ctx.secrets.githubToken,
      source: githubSource.storedAs(source.name),
      signal: ctx.signal,
      onProgress: ctx.onProgress,
    }),
};
