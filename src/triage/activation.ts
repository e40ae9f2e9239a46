import { activeModelSummary, type ModelSummaryRow, type Store } from '../store/index.ts';
import type { VersionComparison } from './version-comparison.ts';

/** A new version may trail the active one by this much (mean of accuracy and macro-F1) and still count as not worse. */
export const NOT_WORSE_TOLERANCE = 0.005;

/**
 * Whether a new version of `task` goes live, and why in words: the first version always does; a
 * later one when it is not worse than the active one (or with `force`).
 */
export async function activationDecision(
  store: Store,
  task: string,
  force: boolean,
  compare: (active: ModelSummaryRow) => Promise<VersionComparison>,
): Promise<{ activate: boolean; reason: string }> {
  const active = await activeModelSummary(store.db, task);
  if (!active) return { activate: true, reason: 'first version of this task' };
  const c = await compare(active);
  const { delta } = c;
  const score = `score ${delta >= 0 ? '+' : ''}${delta.toFixed(3)}: ${c.newScore.toFixed(3)} against ${c.activeScore.toFixed(3)} ${c.basis}`;
  if (force) return { activate: true, reason: `--force (${score} of v${active.version})` };
  if (delta >= -NOT_WORSE_TOLERANCE)
    return { activate: true, reason: `not worse than v${active.version} (${score})` };
  return {
    activate: false,
    reason: `worse than active v${active.version} by ${(-delta).toFixed(3)} (${c.measure ?? 'mean of accuracy and macro-F1'}, ${c.basis}); use --force to activate anyway`,
  };
}
