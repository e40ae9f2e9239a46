import { EightballError } from '../../domain/index.ts';
import { importBugzilla } from '../import-bugzilla.ts';
import type { SourceKind } from './source-kind.ts';

/** `product=Firefox&component=General&product=Core` → the import's product and component lists. */
function queryOf(q: string): { products?: string[]; components?: string[] } {
  const p = new URLSearchParams(q);
  const products = p.getAll('product');
  const components = p.getAll('component');
  return { ...(products.length ? { products } : {}), ...(components.length ? { components } : {}) };
}

/** A Bugzilla's REST API, synced incrementally from the last change it stored. */
export const bugzillaSource: SourceKind = {
  kind: 'bugzilla',
  label: 'Bugzilla REST',
  locationHint: 'the Bugzilla URL, e.g. https://bugzilla.mozilla.org',
  check({ location, query }) {
    if (!/^https?:\/\/\S+$/.test(location))
      throw EightballError.about('location', 'usage', 'location: a Bugzilla source needs an http(s) URL');
    for (const k of new URLSearchParams(query).keys())
      if (k !== 'product' && k !== 'component')
        throw EightballError.about('query', 'usage', `query: "${k}" is not product or component`);
  },
  storedAs: (name) => `bugzilla:${name}`,
  sync: (store, source, ctx) =>
    importBugzilla(store, {
      url: source.location,
      ...queryOf(source.query),
      source: bugzillaSource.storedAs(source.name),
      ...(ctx.secrets.bugzillaApiKey ? { apiKey: ctx.secrets.bugzillaApiKey } : {}),
      signal: ctx.signal,
      onProgress: ctx.onProgress,
    }),
};
