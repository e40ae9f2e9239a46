import type { FittedLinearModel } from './linear-model.ts';
import type { CsrMatrix } from './sparse.ts';

/**
 * A kind of model the text classifier can fit: its spec (the hyperparameters an artifact
 * stores, told apart by `kind`), how it is named in reports, and how it is fitted. Every kind
 * fits a `FittedLinearModel`, so scoring, explanations and artifacts are the same for all.
 */
export interface ModelKind<S extends { kind: string }> {
  kind: S['kind'];
  describe(spec: S): string;
  fit(spec: S, X: CsrMatrix, y: string[], run: { seed: number; threads: number }): FittedLinearModel;
  /** false when it needs features of at least 0 (counts): dense sentence vectors go below */
  acceptsNegative: boolean;
}
