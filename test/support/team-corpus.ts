import type { BugReport } from '../../src/domain/index.ts';
import { triageCorpus } from './triage-corpus.ts';

/** The triage corpus with a team's labels: a kind from a labels file, keywords a multi-label task reads. */
export function teamCorpus(n: number): BugReport[] {
  return triageCorpus(n).map((r) => {
    const text = `${r.summary} ${r.description}`;
    const keywords = [
      ...(/\b(crash|hang)\b/.test(text) ? ['crash'] : []),
      ...(r.component === 'Printing' ? ['print-issue'] : []),
      'triaged',
    ];
    return { ...r, keywords, labels: { kind: r.type === 'defect' ? 'product-bug' : 'docs' } };
  });
}
