import { type CodeTerms, codeTokens } from './code-terms.ts';
import type { FixRecord } from './file-features.ts';
import { FileIndex } from './file-index.ts';

/**
 * History-only candidates: every file an earlier fix touched, its text the words of its path and
 * of the reports whose fixes touched it (no source at hand: the BLIA XML's fixed files, the
 * FSE'14 files column, Jira's code changes). Its class is its file name, so stack frames and named
 * classes still find it.
 */
export function historyIndex(history: readonly FixRecord[]): FileIndex {
  const byFile = new Map<string, CodeTerms>();
  for (const h of history)
    for (const path of h.files) {
      let t = byFile.get(path);
      if (!t) {
        const counts = new Map<string, number>();
        const words = codeTokens(path.replace(/\.[A-Za-z0-9]+$/, ''));
        for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
        const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.[A-Za-z0-9]+$/, '');
        t = { counts, length: words.length, classes: [name], methods: [] };
        byFile.set(path, t);
      }
      for (const [w, n] of h.terms) {
        t.counts.set(w, (t.counts.get(w) ?? 0) + n);
        t.length += n;
      }
    }
  return new FileIndex(
    [...byFile].map(([path, terms]) => ({ path, terms })),
    false,
  );
}
