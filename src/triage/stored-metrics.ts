import { z } from 'zod';
import { EightballError } from '../domain/index.ts';

/** The measures every summary of a version or a run shows, in this order. */
export const HEADLINE_METRICS = [
  'accuracy',
  'macroF1',
  'microF1',
  'weightedF1',
  'top3',
  'auc',
  'brier',
  'ece',
] as const;

const num = z.number().nullable().optional();

/**
 * What a stored model version's `metrics` holds (written by `trainTask` from `evaluationJson`
 * plus the training's own figures), checked once where it is read. Versions trained by older
 * releases may lack any field, so every one is optional; extra fields pass through.
 */
export const StoredMetricsSchema = z
  .object({
    accuracy: num,
    macroF1: num,
    microF1: num,
    weightedF1: num,
    top3: num,
    auc: num,
    brier: num,
    ece: num,
    nTrain: num,
    nTest: num,
    classes: num,
    labelSource: z.string().optional(),
    nLabelled: num,
    nServed: num,
    nCorrections: num,
    metaFields: z.array(z.string()).optional(),
    /** each tracker's labels, when the model kept several trackers apart (`source-labels.ts`) */
    labelsBySource: z.record(z.string(), z.array(z.string())).optional(),
    sources: z.enum(['apart', 'pooled']).optional(),
    threshold: z
      .object({
        threshold: z.number(),
        precision: z.number(),
        coverage: z.number(),
        cost: z.number(),
        chosenOn: z.string().optional(),
      })
      .passthrough()
      .optional(),
    droppedClasses: z.array(z.object({ label: z.string(), trainCount: z.number() })).optional(),
  })
  .passthrough();

export type StoredMetrics = z.infer<typeof StoredMetricsSchema>;

/** A stored version's metrics, or a clear error naming the version when they are not what it wrote. */
export function storedMetrics(json: string, what = 'model version'): StoredMetrics {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new EightballError(
      'database',
      `${what}: its stored metrics are not JSON (${(e as Error).message})`,
    );
  }
  const r = StoredMetricsSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new EightballError('database', `${what}: stored metrics, ${i.path.join('.')}: ${i.message}`);
  }
  return r.data;
}
