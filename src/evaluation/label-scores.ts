/**
 * Accuracy and macro-F1 of predicted labels against the true ones, macro-averaged over every label
 * either side names (scikit-learn's `f1_score(average='macro')` default): a model that never
 * predicts a class still pays for it.
 */
export function labelScores(
  truth: readonly string[],
  predicted: readonly string[],
): { accuracy: number; macroF1: number } {
  if (truth.length !== predicted.length)
    throw new Error('labelScores: truth and predictions differ in length');
  const labels = [...new Set([...truth, ...predicted])];
  let right = 0;
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    if (t === p) {
      right++;
      add(tp, t);
    } else {
      add(fp, p);
      add(fn, t);
    }
  });
  const f1 = labels.map((l) => {
    const a = tp.get(l) ?? 0;
    const d = 2 * a + (fp.get(l) ?? 0) + (fn.get(l) ?? 0);
    return d === 0 ? 0 : (2 * a) / d;
  });
  return {
    accuracy: truth.length === 0 ? 0 : right / truth.length,
    macroF1: labels.length === 0 ? 0 : f1.reduce((s, x) => s + x, 0) / labels.length,
  };
}
