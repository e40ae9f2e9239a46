import type { CorpusCounts } from './corpus-counts.ts';
import { EntryReader } from './entry-codec.ts';
import type { RowSource } from './sparse.ts';
import type { VectorizerParams } from './terms.ts';
import type { FittedVectorizer } from './vectorizer.ts';

/**
 * A counted document's tf-idf row in a fitted vectorizer's columns: what the vectorizer's matrix
 * holds for it, made one row at a time, so a matrix and a row source (`countedRows`) hold the same
 * values to the bit.
 */
export class RowFiller {
  private readonly reader = new EntryReader();
  private readonly weight: number[];
  private readonly metaCol: Int32Array;
  private readonly dims: number;

  constructor(
    private readonly p: VectorizerParams,
    private readonly counts: CorpusCounts,
    private readonly vec: FittedVectorizer,
    private readonly remap: Int32Array,
  ) {
    this.weight = p.fields.map((f) => f.weight);
    // a categorical value the fit never saw has no column
    this.metaCol = Int32Array.from(counts.metaNames, (t) => vec.vocabulary.get(t) ?? -1);
    this.dims = p.dense?.dims ?? 0;
  }

  /** How many entries document `d`'s row has. */
  size(d: number): number {
    const { rowStart, entries, metaStart, metaEntry } = this.counts;
    const { reader, remap, metaCol } = this;
    const m = reader.read(entries, rowStart[d]!, rowStart[d + 1]!);
    const term = reader.term;
    let n = this.dims;
    for (let k = 0; k < m; k++) if (remap[term[k]!]! >= 0) n++;
    for (let e = metaStart[d]!; e < metaStart[d + 1]!; e++) if (metaCol[metaEntry[e]!]! >= 0) n++;
    return n;
  }

  /** Document `d`'s row written at `q` of `indices`/`data` (room for `size(d)` made); where it ends. */
  fill(d: number, indices: Int32Array, data: Float32Array, q: number): number {
    const { p, counts, vec, remap, weight, metaCol, dims, reader } = this;
    const { rowStart, entries, metaStart, metaEntry } = counts;
    const start = q;
    let sq = 0;
    const m = reader.read(entries, rowStart[d]!, rowStart[d + 1]!);
    const { term, count } = reader;
    for (let k = 0; k < m; k++) {
      const id = term[k]!;
      const j = remap[id]!;
      if (j < 0) continue;
      const c = count[k]!;
      // most terms occur once in a report: 1 + log 1 is 1, without the logarithm
      const tf = c === 1 ? 1 : p.sublinearTf ? 1 + Math.log(c) : c;
      const v = tf * vec.idf[j]! * weight[counts.fieldOf(id)]!;
      indices[q] = j;
      data[q++] = v;
      sq += v * v;
    }
    const norm = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    for (let k = start; k < q; k++) data[k] = data[k]! * norm;
    for (let e = metaStart[d]!; e < metaStart[d + 1]!; e++) {
      const j = metaCol[metaEntry[e]!]!;
      if (j < 0) continue;
      indices[q] = j;
      data[q++] = p.metaWeight;
    }
    const denseStart = vec.denseStart;
    const denseWeight = p.dense?.weight ?? 0;
    for (let i = 0; i < dims; i++) {
      indices[q] = denseStart + i;
      data[q++] = counts.dense![d * dims + i]! * denseWeight;
    }
    return q;
  }

  /**
   * Counted documents `rows` as a row source: each row made when read, into one buffer (the
   * largest row's size), so no matrix of them all is held.
   */
  rows(rows: ArrayLike<number>): RowSource {
    const filler = this;
    let room = 1024;
    const source: RowSource = {
      nRows: rows.length,
      nCols: this.vec.nFeatures,
      indices: new Int32Array(room),
      data: new Float32Array(room),
      from: 0,
      to: 0,
      read(i) {
        const d = rows[i]!;
        // an entry takes a byte at least: its bytes bound its entries
        const most =
          filler.counts.rowStart[d + 1]! - filler.counts.rowStart[d]! + filler.metaOf(d) + filler.dims;
        if (most > room) {
          room = Math.max(most, room * 2);
          source.indices = new Int32Array(room);
          source.data = new Float32Array(room);
        }
        source.to = filler.fill(d, source.indices, source.data, 0);
      },
    };
    return source;
  }

  private metaOf(d: number): number {
    return this.counts.metaStart[d + 1]! - this.counts.metaStart[d]!;
  }
}
