import { NB_KIND, type NbSpec } from './complement-nb.ts';
import type { FittedLinearModel } from './linear-model.ts';
import { SVM_KIND, type SvmSpec } from './linear-svm.ts';
import { LOGREG_KIND, type LogregSpec } from './logistic-regression.ts';
import type { ModelKind } from './model-kind.ts';
import type { CsrMatrix, RowSource } from './sparse.ts';

/** Every model kind's spec; a new kind is one file (estimator, spec, kind) and a line here and below. */
export type ModelSpec = SvmSpec | LogregSpec | NbSpec;

const MODEL_KINDS = [SVM_KIND, LOGREG_KIND, NB_KIND] as const;

function kindOf(spec: ModelSpec): ModelKind<ModelSpec> {
  const k = MODEL_KINDS.find((m) => m.kind === spec.kind);
  if (!k) throw new Error(`unknown model kind "${String((spec as { kind: unknown }).kind)}"`);
  return k as unknown as ModelKind<ModelSpec>;
}

export function describeModel(spec: ModelSpec): string {
  return kindOf(spec).describe(spec);
}

/** Whether the kind takes features below 0 (a sentence encoder's dense columns). */
export function acceptsNegative(spec: ModelSpec): boolean {
  return kindOf(spec).acceptsNegative;
}

/** A model of the given kind fitted on one matrix (model selection fits many). */
export function fitModel(
  spec: ModelSpec,
  X: CsrMatrix,
  y: string[],
  seed: number,
  threads = 1,
): FittedLinearModel {
  return kindOf(spec).fit(spec, X, y, { seed, threads });
}

/** Whether the kind fits from rows read one at a time (`fitModelFromRows`), without their matrix. */
export function fitsFromRows(spec: ModelSpec): boolean {
  return kindOf(spec).fitRows !== undefined;
}

/** A model fitted from rows read one at a time: the model `fitModel` fits on their matrix. */
export function fitModelFromRows(
  spec: ModelSpec,
  rows: RowSource,
  y: string[],
  seed: number,
  threads = 1,
): FittedLinearModel {
  const kind = kindOf(spec);
  if (!kind.fitRows) throw new Error(`${kind.describe(spec)} is fitted from a matrix`);
  return kind.fitRows(spec, rows, y, { seed, threads });
}
