import { isAbsolute } from 'node:path';
import { EightballError } from '../../domain/index.ts';
import { finishImportRun, startImportRun } from '../../store/index.ts';
import { compileLinkPatterns, importGit } from '../import-git.ts';
import type { SourceKind } from './source-kind.ts';

const KEYS = new Set(['branch', 'link', 'maxFiles', 'webUrl']);

function optionsOf(query: string) {
  const p = new URLSearchParams(query);
  const maxFiles = p.get('maxFiles');
  return {
    ...(p.get('branch') ? { branch: p.get('branch')! } : {}),
    links: p.getAll('link'),
    ...(maxFiles ? { maxFiles: Number(maxFiles) } : {}),
    ...(p.get('webUrl') ? { webUrl: p.get('webUrl')! } : {}),
  };
}

/**
 * A git repository on the server, kept linked on a schedule: each run reads the commits after the
 * last one read (`import git`), links them to the stored reports, and the files task answers
 * about the clone as it now is (keep it fresh with `git pull` beside the schedule).
 */
export const gitSource: SourceKind = {
  kind: 'git',
  label: 'git repository (fixing commits)',
  locationHint: 'a clone on the server, e.g. /srv/git/firefox (query: branch=main&link=REGEX&webUrl=...)',
  check({ location, query }) {
    if (!isAbsolute(location.trim()))
      throw EightballError.about('location', 'usage', 'location: the absolute path of a clone on the server');
    const p = new URLSearchParams(query);
    for (const k of p.keys())
      if (!KEYS.has(k))
        throw EightballError.about('query', 'usage', `query: "${k}" is not branch, link, maxFiles or webUrl`);
    const maxFiles = p.get('maxFiles');
    if (maxFiles !== null && !(Number.isInteger(Number(maxFiles)) && Number(maxFiles) > 0))
      throw EightballError.about(
        'query',
        'usage',
        `query: maxFiles "${maxFiles}" is not a positive whole number`,
      );
    compileLinkPatterns(p.getAll('link'));
  },
  // it stores commits and links, not reports: no reports are stored under its name
  storedAs: (name) => `git:${name}`,
  async sync(store, source, ctx) {
    const runId = await startImportRun(store.db, {
      source: source.name,
      kind: 'git',
      target: source.location,
      fingerprint: 'git',
      options: optionsOf(source.query),
    });
    const counts = (s: { stored: number; linked: number }) => ({
      imported: s.stored,
      updated: s.linked,
      unchanged: 0,
      rejected: 0,
    });
    try {
      const s = await importGit(store, {
        repo: source.location,
        name: source.name,
        ...optionsOf(source.query),
        onProgress: (p) => ctx.onProgress({ records: p.commits }),
      });
      const message = `${s.read} commits read, ${s.stored} stored, ${s.linked} links to reports (${s.skippedMerges} merges and ${s.skippedLarge} large commits skipped)`;
      await finishImportRun(
        store.db,
        runId,
        'completed',
        { ...counts(s), checkpoint: s.checkpoint },
        message,
      );
      return {
        runId,
        source: source.name,
        status: 'completed',
        resumedFrom: 0,
        checkpoint: s.checkpoint,
        message,
        ...counts(s),
      };
    } catch (e) {
      await finishImportRun(
        store.db,
        runId,
        'failed',
        { ...counts({ stored: 0, linked: 0 }), checkpoint: null },
        (e as Error).message,
      );
      throw e;
    }
  },
};
