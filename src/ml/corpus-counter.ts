import { Column, int32 } from './column.ts';
import type { CorpusCounts, CounterState } from './corpus-counts.ts';
import { EntryReader, EntryWriter, renamedLength } from './entry-codec.ts';
import { IntPairTable } from './int-pair-table.ts';
import { denseOf, metaTermsOf, type TokenizedDoc, termsOf, type VectorizerParams } from './terms.ts';

export type { CorpusCounts, CounterState } from './corpus-counts.ts';

export const MAX_CANDIDATES = 4_000_000;

/**
 * One pass over a corpus, a document at a time (`add`), then the counts (`finish`). Tokens are
 * interned to ids and word unigrams and bigrams counted as (token id, token id and field) pairs
 * in a typed-array table, so no string is built per n-gram; longer n-grams and character
 * n-grams, rarer choices, are counted by name. When the candidates outgrow `maxCandidates` (4
 * million) the rarest are evicted (seen in fewer than 2 documents, then 3, ... as long as half the
 * table survives: lossy counting), which only happens on corpora in the hundreds of thousands; a
 * term evicted and met again starts its count afresh.
 */
export class CorpusCounter {
  private readonly tokenIds = new Map<string, number>();
  private readonly tokens: string[] = [];
  // bigrams by (token, next token and field) in a hash table; unigrams straight by token id, one
  // array per field: half the lookups, and a small array that stays in cache instead of a probe
  // into a table of millions (with the vocabulary change below: counting and weighting 200,000
  // generated reports with bigrams 55.6-55.9 s → 41.2 s, bench/RESULTS.md)
  private readonly pairs = new IntPairTable(1 << 16);
  /** whether `absorb` left the other counter's bigrams out of `pairs` (see there) */
  private pairsStale = false;
  private readonly unigram: Int32Array[];
  private readonly named = new Map<string, number>();
  private readonly namedTerms = new Map<number, string>();
  private readonly termA = new Column(int32, 1 << 16);
  private readonly termB = new Column(int32, 1 << 16);
  private readonly termField = new Column(int32, 1 << 16);
  private df = new Int32Array(1 << 16);
  private live = 0;
  private evictBelow = 2;
  // the term being made: what `newTerm` records for it
  private curA = 0;
  private curB = 0;
  private curF = 0;
  private readonly rowStart = new Column(int32, 1 << 12);
  private readonly entries = new EntryWriter();
  private readonly metaIds = new Map<string, number>();
  private readonly metaNames: string[] = [];
  private readonly metaStart = new Column(int32, 1 << 12);
  private readonly metaEntry = new Column(int32, 1 << 12);
  private readonly metaTerms: string[] = [];
  private tids = new Int32Array(256);
  private buf = new Int32Array(1024);
  private readonly extra: string[] = [];
  private dense: Float32Array;
  private nDocs = 0;
  private readonly newTerm = (): number => {
    const id = this.termA.length;
    this.termA.push(this.curA);
    this.termB.push(this.curB);
    this.termField.push(this.curF);
    if (id >= this.df.length) {
      const d = new Int32Array(this.df.length * 2);
      d.set(this.df);
      this.df = d;
    }
    this.live++;
    return id;
  };

  constructor(
    private readonly params: VectorizerParams,
    private readonly maxCandidates = MAX_CANDIDATES,
  ) {
    if (params.fields.length > 16) throw new Error('at most 16 text fields can be vectorised');
    this.unigram = params.fields.map(() => new Int32Array(1 << 12).fill(-1));
    this.dense = new Float32Array(params.dense ? params.dense.dims * 64 : 0);
  }

  add(doc: TokenizedDoc): void {
    if (this.pairsStale) this.rebuildPairs();
    const denseSpec = this.params.dense ?? null;
    if (denseSpec) {
      const v = denseOf(denseSpec, doc);
      if ((this.nDocs + 1) * denseSpec.dims > this.dense.length) {
        const d = new Float32Array(this.dense.length * 2);
        d.set(this.dense);
        this.dense = d;
      }
      this.dense.set(v, this.nDocs * denseSpec.dims);
    }
    this.nDocs++;
    this.rowStart.push(this.entries.length);
    this.entries.beginDoc();
    this.metaStart.push(this.metaEntry.length);
    const fields = this.params.fields;
    for (let f = 0; f < fields.length; f++) this.countField(f, doc.text[fields[f]!.name] ?? []);
    if (this.params.metaFields.length > 0) this.countMeta(doc);
    if (this.live > this.maxCandidates) this.evictRarest();
  }

  /** A buffer of term ids, grown as needed. */
  private pushBuf(id: number, at: number): number {
    if (at === this.buf.length) {
      const b = new Int32Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[at] = id;
    return at + 1;
  }

  /** One text field of one document: its terms' ids, then (term, count) runs. */
  private countField(f: number, toks: string[]): void {
    const field = this.params.fields[f]!;
    const { tokenIds, tokens } = this;
    if (toks.length > this.tids.length) this.tids = new Int32Array(toks.length * 2);
    const tids = this.tids;
    for (let i = 0; i < toks.length; i++) {
      let t = tokenIds.get(toks[i]!);
      if (t === undefined) {
        t = tokens.length;
        if (t >= 1 << 26) throw new Error('more than 67 million distinct tokens');
        tokens.push(toks[i]!);
        tokenIds.set(toks[i]!, t);
      }
      tids[i] = t;
    }
    let m = 0;
    const [lo, hi] = field.ngrams;
    this.curF = f;
    if (lo <= 1 && hi >= 1) {
      this.curB = f;
      if (tokens.length > this.unigram[f]!.length) {
        const u = new Int32Array(Math.max(tokens.length, this.unigram[f]!.length * 2)).fill(-1);
        u.set(this.unigram[f]!);
        this.unigram[f] = u;
      }
      const uni = this.unigram[f]!;
      for (let i = 0; i < toks.length; i++) {
        this.curA = tids[i]!;
        let id = uni[this.curA]!;
        if (id < 0) {
          id = this.newTerm();
          uni[this.curA] = id;
        }
        m = this.pushBuf(id, m);
      }
    }
    if (lo <= 2 && hi >= 2) {
      for (let i = 0; i + 1 < toks.length; i++) {
        this.curA = tids[i]!;
        this.curB = (tids[i + 1]! + 1) * 16 + f;
        m = this.pushBuf(this.pairs.getOrInsert(this.curA, this.curB, this.newTerm), m);
      }
    }
    if (hi > 2 || field.charNgrams) {
      // the rarer kinds of term, counted by name as the string-keyed `termsOf` builds them
      const extra = this.extra;
      extra.length = 0;
      termsOf({ ...field, ngrams: [Math.max(lo, 3), hi] }, toks, extra);
      this.curA = -1;
      this.curB = -1;
      for (const t of extra) {
        let id = this.named.get(t);
        if (id === undefined) {
          id = this.newTerm();
          this.named.set(t, id);
          this.namedTerms.set(id, t);
        }
        m = this.pushBuf(id, m);
      }
    }
    if (m === 0) return;
    const run = this.buf.subarray(0, m).sort();
    const df = this.df;
    let k = 0;
    while (k < m) {
      const id = run[k]!;
      let e = k + 1;
      while (e < m && run[e] === id) e++;
      df[id]!++;
      this.entries.push(id, Math.min(e - k, 65535));
      k = e;
    }
  }

  /** The document's categorical values, each once. */
  private countMeta(doc: TokenizedDoc): void {
    const metaTerms = this.metaTerms;
    metaTerms.length = 0;
    for (const name of this.params.metaFields)
      metaTermsOf(name, doc.meta[name], metaTerms, this.params.missing);
    const first = this.metaEntry.length;
    for (const t of metaTerms) {
      let id = this.metaIds.get(t);
      if (id === undefined) {
        id = this.metaNames.length;
        this.metaNames.push(t);
        this.metaIds.set(t, id);
      }
      let dup = false;
      for (let q = first; q < this.metaEntry.length; q++) if (this.metaEntry.data[q] === id) dup = true;
      if (!dup) this.metaEntry.push(id);
    }
  }

  /** Lossy counting: drop the candidates seen in fewer than `evictBelow` documents. */
  private evictRarest(): void {
    const { df, termA, termB, termField } = this;
    for (let id = 0; id < termA.length; id++) {
      if (df[id]! >= 0 && df[id]! < this.evictBelow) {
        df[id] = -1;
        this.live--;
        const f = termField.data[id]!;
        if (termB.data[id] === f && termA.data[id]! >= 0) this.unigram[f]![termA.data[id]!] = -1;
        const name = this.namedTerms.get(id);
        if (name !== undefined) {
          this.named.delete(name);
          this.namedTerms.delete(id);
        }
      }
    }
    this.pairs.retain((id) => df[id]! >= 0);
    if (this.live > this.maxCandidates / 2) this.evictBelow++;
  }

  /**
   * Make room for `nDocs` documents in all, each taking as many entries as those counted so far
   * did on average, twice over: a corpus whose size is known grows its columns once. The first
   * documents' entries are the shortest (their terms' ids, and so the differences, are small: of
   * a million reports' 750,000 training ones, the first 2,000 took two thirds of the average),
   * and room never written is never in memory, only in address space. More than that is still
   * taken, by growing as before.
   */
  reserveFor(nDocs: number, margin = 2): void {
    if (this.nDocs === 0) return;
    const scale = (nDocs / this.nDocs) * margin;
    this.entries.reserve(Math.ceil(this.entries.length * scale));
    this.rowStart.reserve(nDocs + 1);
    this.metaEntry.reserve(Math.ceil(this.metaEntry.length * scale));
    this.metaStart.reserve(nDocs + 1);
  }

  /** The bigram table again, from the terms, after `absorb` left the other counter's out of it. */
  private rebuildPairs(): void {
    const { termA, termB, termField, df } = this;
    for (let id = 0; id < termA.length; id++) {
      const a = termA.data[id]!;
      const b = termB.data[id]!;
      if (df[id]! >= 0 && a >= 0 && b !== termField.data[id]) this.pairs.getOrInsert(a, b, () => id);
    }
    this.pairsStale = false;
  }

  /** Everything counted so far, for another thread's counter to absorb (this one is then spent). */
  state(): CounterState {
    this.rowStart.push(this.entries.length);
    this.metaStart.push(this.metaEntry.length);
    return {
      tokens: this.tokens,
      nTerms: this.termA.length,
      termA: this.termA.data,
      termB: this.termB.data,
      termField: this.termField.data,
      df: this.df,
      named: [...this.namedTerms],
      nDocs: this.nDocs,
      rowStart: this.rowStart.data,
      entries: this.entries.bytes,
      metaNames: this.metaNames,
      metaStart: this.metaStart.data,
      metaEntry: this.metaEntry.data,
    };
  }

  /**
   * Append another counter's documents after this one's, as if this counter had read them too:
   * its tokens and terms are found or made here, its document frequencies added. A term the other
   * counter had evicted is no term (as an evicted term here); its entries are dropped.
   */
  absorb(o: CounterState): void {
    if (this.params.dense) throw new Error('documents with dense vectors are counted on one thread');
    const tok = new Int32Array(o.tokens.length);
    o.tokens.forEach((t, i) => {
      let id = this.tokenIds.get(t);
      if (id === undefined) {
        id = this.tokens.length;
        this.tokens.push(t);
        this.tokenIds.set(t, id);
      }
      tok[i] = id;
    });
    const named = new Map(o.named);
    const term = new Int32Array(o.nTerms).fill(-1);
    for (let w = 0; w < o.nTerms; w++) {
      if (o.df[w]! < 0) continue;
      const a = o.termA[w]!;
      const b = o.termB[w]!;
      const f = o.termField[w]!;
      let id: number;
      const name = named.get(w);
      if (name !== undefined) {
        const known = this.named.get(name);
        this.curA = -1;
        this.curB = -1;
        this.curF = f;
        id = known ?? this.newTerm();
        if (known === undefined) {
          this.named.set(name, id);
          this.namedTerms.set(id, name);
        }
      } else if (b === f) {
        this.curA = tok[a]!;
        this.curB = f;
        this.curF = f;
        if (this.tokens.length > this.unigram[f]!.length) {
          const u = new Int32Array(Math.max(this.tokens.length, this.unigram[f]!.length * 2)).fill(-1);
          u.set(this.unigram[f]!);
          this.unigram[f] = u;
        }
        id = this.unigram[f]![this.curA]!;
        if (id < 0) {
          id = this.newTerm();
          this.unigram[f]![this.curA] = id;
        }
      } else {
        this.curA = tok[a]!;
        this.curB = (tok[(b - f) / 16 - 1]! + 1) * 16 + f;
        this.curF = f;
        // looked up, not added: the other's live pairs are distinct, so none comes twice here,
        // and the table, doubled to hold them (200 MB at a million reports), would be thrown
        // away after; it is rebuilt only if this counter counts again
        id = this.pairs.get(this.curA, this.curB);
        if (id < 0) {
          id = this.newTerm();
          this.pairsStale = true;
        }
      }
      term[w] = id;
      // a term evicted here and met again in the other's documents starts afresh, as in `add`
      this.df[id] = Math.max(0, this.df[id]!) + o.df[w]!;
    }
    const meta = Int32Array.from(o.metaNames, (t) => {
      let id = this.metaIds.get(t);
      if (id === undefined) {
        id = this.metaNames.length;
        this.metaNames.push(t);
        this.metaIds.set(t, id);
      }
      return id;
    });
    // exactly the bytes its entries take in this counter's terms, counted first: a margin on
    // theirs was short (the differences of larger ids take more bytes), and growing the entries
    // by half held the old array and the new at once (a million reports: 570 MB beside 300)
    this.entries.reserve(this.entries.length + renamedLength(o.entries, o.rowStart, o.nDocs, term));
    this.rowStart.reserve(this.rowStart.length + o.nDocs + 1);
    this.metaEntry.reserve(this.metaEntry.length + o.metaStart[o.nDocs]!);
    this.metaStart.reserve(this.metaStart.length + o.nDocs + 1);
    const reader = new EntryReader();
    for (let d = 0; d < o.nDocs; d++) {
      this.rowStart.push(this.entries.length);
      this.entries.beginDoc();
      this.metaStart.push(this.metaEntry.length);
      const m = reader.read(o.entries, o.rowStart[d]!, o.rowStart[d + 1]!);
      for (let k = 0; k < m; k++) {
        const id = term[reader.term[k]!]!;
        if (id >= 0) this.entries.push(id, reader.count[k]!);
      }
      for (let e = o.metaStart[d]!; e < o.metaStart[d + 1]!; e++) this.metaEntry.push(meta[o.metaEntry[e]!]!);
    }
    this.nDocs += o.nDocs;
  }

  finish(): CorpusCounts {
    this.rowStart.push(this.entries.length);
    this.metaStart.push(this.metaEntry.length);
    const { fields } = this.params;
    const { namedTerms, termField, termB, termA, tokens } = this;
    const nameOf = (id: number): string => {
      const named = namedTerms.get(id);
      if (named !== undefined) return named;
      const f = termField.data[id]!;
      const b = termB.data[id]!;
      const prefix = `${fields[f]!.name}:${tokens[termA.data[id]!]!}`;
      return b === f ? prefix : `${prefix} ${tokens[(b - f) / 16 - 1]!}`;
    };
    return {
      nDocs: this.nDocs,
      df: this.df,
      nTerms: termA.length,
      nameOf,
      fieldOf: (id) => termField.data[id]!,
      rowStart: this.rowStart.data,
      entries: this.entries.bytes,
      metaNames: this.metaNames,
      metaStart: this.metaStart.data,
      metaEntry: this.metaEntry.data,
      dense: this.params.dense ? this.dense : null,
    };
  }
}
