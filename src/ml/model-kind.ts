import type { FittedLinearModel } from './linear-model.ts';
import type { CsrMatrix, RowSource } from './sparse.ts';

/**
 * A kind of model the text classifier can fit: its spec (the hyperparameters an artifact
 * stores, told apart by `kind`), how it is named in reports, and how it is fitted. Every kind
 * fits a `FittedLinearModel`, so scoring, explanations and artifacts are the same for all.
 */
export interface ModelKind<S extends { kind: string }> {
  kind: S['kind'];
  describe(spec: S): string;
  fit(spec: S, X: CsrMatrix, y: string[], run: { seed: number; threads: number }): FittedLinearModel;
  /**
   * Fitted from rows read one at a time (the same model as `fit` on their matrix), by a kind that
   * reads each row only a few times: a large fit then needs no matrix of every row
   */
  fitRows?(spec: S, rows: RowSource, y: string[], run: { seed: number; threads: number }): FittedLinearModel;
  /** false when it needs features of at least 0 (counts): dense sentence vectors go below */
  acceptsNegative: boolean;
}
