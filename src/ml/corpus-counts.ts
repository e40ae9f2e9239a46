/** Term counts of a corpus: every distinct term once, and each document as (term, count) runs. */
export interface CorpusCounts {
  nDocs: number;
  /** per candidate term: documents it occurs in, or -1 once evicted */
  df: Int32Array;
  nTerms: number;
  nameOf: (term: number) => string;
  fieldOf: (term: number) => number;
  /** per document, where its entries start in `entries`, in bytes (n + 1 offsets) */
  rowStart: Int32Array;
  /**
   * every document's (term, occurrences) entries, encoded (entry-codec.ts: `EntryReader` decodes
   * a document's); occurrences capped at 65535 (sublinear tf makes the cap immaterial)
   */
  entries: Uint8Array;
  /** categorical values (`os=Linux`) by id, and each document's ids */
  metaNames: string[];
  metaStart: Int32Array;
  metaEntry: Int32Array;
  /** with `dense`: each document's vector, n × dims */
  dense: Float32Array | null;
}

/**
 * What a counter on another thread hands back to be absorbed (`CorpusCounter.absorb`): its tokens,
 * its candidate terms as token ids, and its documents' entries. The typed arrays may be longer
 * than their `n*` lengths (growable columns, transferred as they are).
 */
export interface CounterState
  extends Pick<
    CorpusCounts,
    'nDocs' | 'df' | 'nTerms' | 'rowStart' | 'entries' | 'metaNames' | 'metaStart' | 'metaEntry'
  > {
  tokens: string[];
  termA: Int32Array;
  termB: Int32Array;
  termField: Int32Array;
  named: [number, string][];
}
