/** Compressed sparse rows on typed arrays: the one matrix shape every model here reads. */
export interface CsrMatrix {
  readonly nRows: number;
  readonly nCols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float32Array;
}

/**
 * Rows read one at a time, in any order, without a matrix of them all: after `read(i)`, row i's
 * entries are `indices`/`data` [from, to), until the next read. A model that passes over its rows
 * a few times (complement NB) fits from it what it would fit from the matrix.
 */
export interface RowSource {
  readonly nRows: number;
  readonly nCols: number;
  read(i: number): void;
  from: number;
  to: number;
  indices: Int32Array;
  data: Float32Array;
}

/** A matrix's rows as a row source (its own arrays, no copy). */
export function rowsOf(X: CsrMatrix): RowSource {
  return {
    nRows: X.nRows,
    nCols: X.nCols,
    indices: X.indices,
    data: X.data,
    from: 0,
    to: 0,
    read(i) {
      this.from = X.indptr[i]!;
      this.to = X.indptr[i + 1]!;
    },
  };
}

/** Grows a CSR matrix row by row without knowing its size in advance. */
export class CsrBuilder {
  private indices: Int32Array;
  private data: Float32Array;
  private readonly indptr: number[] = [0];
  private nnz = 0;

  constructor(
    private readonly nCols: number,
    capacity = 1024,
  ) {
    this.indices = new Int32Array(capacity);
    this.data = new Float32Array(capacity);
  }

  /** Add a row; `cols` need not be sorted, but must not repeat. */
  addRow(cols: ArrayLike<number>, values: ArrayLike<number>, length = cols.length): void {
    if (this.nnz + length > this.indices.length) {
      let cap = this.indices.length * 2;
      while (cap < this.nnz + length) cap *= 2;
      const i2 = new Int32Array(cap);
      i2.set(this.indices.subarray(0, this.nnz));
      const d2 = new Float32Array(cap);
      d2.set(this.data.subarray(0, this.nnz));
      this.indices = i2;
      this.data = d2;
    }
    for (let k = 0; k < length; k++) {
      this.indices[this.nnz + k] = cols[k]!;
      this.data[this.nnz + k] = values[k]!;
    }
    this.nnz += length;
    this.indptr.push(this.nnz);
  }

  build(): CsrMatrix {
    return {
      nRows: this.indptr.length - 1,
      nCols: this.nCols,
      indptr: Int32Array.from(this.indptr),
      indices: this.indices.slice(0, this.nnz),
      data: this.data.slice(0, this.nnz),
    };
  }
}

/** The rows at `rows`, in that order, as a new matrix. */
export function selectRows(m: CsrMatrix, rows: ArrayLike<number>): CsrMatrix {
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) nnz += m.indptr[rows[i]! + 1]! - m.indptr[rows[i]!]!;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const s = m.indptr[r]!;
    const e = m.indptr[r + 1]!;
    indices.set(m.indices.subarray(s, e), p);
    data.set(m.data.subarray(s, e), p);
    p += e - s;
    indptr[i + 1] = p;
  }
  return { nRows: rows.length, nCols: m.nCols, indptr, indices, data };
}

/** Squared L2 norm of every row. */
export function rowSquaredNorms(m: CsrMatrix): Float64Array {
  const out = new Float64Array(m.nRows);
  for (let i = 0; i < m.nRows; i++) {
    let s = 0;
    for (let p = m.indptr[i]!; p < m.indptr[i + 1]!; p++) s += m.data[p]! * m.data[p]!;
    out[i] = s;
  }
  return out;
}
