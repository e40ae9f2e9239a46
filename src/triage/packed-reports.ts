import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { BugReport } from '../domain/index.ts';

/** Node 20 has it; the TypeScript library this project targets does not declare it yet. */
type WellFormedString = string & { isWellFormed(): boolean };

/** Texts per compressed block (a report has two): compresses well, decoded in about 4 ms. */
const BLOCK = 1024;

/**
 * The summaries and descriptions of many reports, compressed 1,024 texts at a time and decoded a
 * block at a time when read. Training reads its reports' text a few times, almost always
 * in order (counting, the search's sample, the test window): a million reports' text is a gigabyte
 * as strings and a fraction of that packed, and a packed block is one buffer the collector never
 * walks. Text that UTF-8 cannot carry exactly (a lone surrogate) is kept as it is.
 */
export class PackedTexts {
  private readonly blocks: Buffer[] = [];
  /** per block, each text's length in UTF-8 bytes: where it ends in the decoded block */
  private readonly lengths: Uint32Array[] = [];
  private readonly loose = new Map<number, string>();
  private pending: string[] = [];
  private pendingFrom = 0;
  private cached = -1;
  /**
   * the cached block's texts, in one array refilled for each block: a new array a block, once V8
   * allocated them in the old generation (a training reads many blocks), kept every text it held
   * alive through the young generation's collections until the next full one (a million reports'
   * count promoted 420 MB of texts, bench/RESULTS.md)
   */
  private readonly cachedTexts: string[] = [];
  private count = 0;
  private scratch = Buffer.allocUnsafeSlow(1 << 20);

  /** Keep a text; its index is the number of texts added before it. */
  add(text: string): number {
    const at = this.count++;
    if (!(text as WellFormedString).isWellFormed()) {
      this.loose.set(at, text);
      this.pending.push('');
    } else this.pending.push(text);
    if (this.pending.length === BLOCK) this.seal();
    return at;
  }

  /** The text added as number `at`. */
  get(at: number): string {
    if (at < 0 || at >= this.count) throw new RangeError(`no text ${at} (${this.count} kept)`);
    const loose = this.loose.get(at);
    if (loose !== undefined) return loose;
    if (at >= this.pendingFrom) return this.pending[at - this.pendingFrom]!;
    const b = Math.floor(at / BLOCK);
    const block = this.blocks[b]!;
    if (b !== this.cached) {
      // each text decoded on its own: a slice of one joined string would keep the whole block
      // alive for as long as any token cut from it is kept
      const bytes = brotliDecompressSync(block);
      const lens = this.lengths[b]!;
      // one array refilled, not one a block: see the field
      const texts = this.cachedTexts;
      texts.length = lens.length;
      let p = 0;
      for (let k = 0; k < lens.length; k++) {
        texts[k] = bytes.toString('utf8', p, p + lens[k]!);
        p += lens[k]!;
      }
      this.cached = b;
    }
    return this.cachedTexts[at - b * BLOCK]!;
  }

  /** Bytes held: compressed blocks, their length tables, and texts not yet sealed. */
  get bytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.length;
    for (const l of this.lengths) n += l.byteLength;
    for (const t of this.pending) n += t.length;
    return n;
  }

  private seal(): void {
    const texts = this.pending;
    let units = 0;
    for (const t of texts) units += t.length;
    // a UTF-16 unit is at most 3 bytes of UTF-8
    if (units * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(units * 3);
    const lens = new Uint32Array(texts.length);
    let end = 0;
    for (let k = 0; k < texts.length; k++) {
      lens[k] = this.scratch.write(texts[k]!, end, 'utf8');
      end += lens[k]!;
    }
    this.lengths.push(lens);
    // Brotli at quality 1: a third of the text's size, compressed at about 190 MB/s and read back
    // at 200 on this machine (deflate at level 1: 0.39 of the size at 83 MB/s). On this thread:
    // requests queued to libuv's threads each held their input and a compressor until their turn
    this.blocks.push(
      brotliCompressSync(this.scratch.subarray(0, end), {
        params: { [constants.BROTLI_PARAM_QUALITY]: 1 },
      }),
    );
    this.pending = [];
    this.pendingFrom = this.count;
  }
}

/**
 * Repeated short values (a product, a status, a reporter) as one string each: a million reports
 * read from a store carry a million copies of "Query Processor" otherwise.
 */
class Interner {
  private readonly seen = new Map<string, string>();
  of(s: string | null): string | null {
    if (s === null) return null;
    const had = this.seen.get(s);
    if (had !== undefined) return had;
    this.seen.set(s, s);
    return s;
  }
}

const NO_KEYWORDS: string[] = Object.freeze([]) as unknown as string[];
const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * A report whose summary and description live packed in a `PackedTexts`: read like any report's,
 * decoded when read. Its other fields are the report's own values.
 */
// every field of a report but its text, declared once (in `BugReport`); the class sets them all
// biome-ignore lint/correctness/noUnusedVariables: merged into the class below
interface PackedReport extends Omit<BugReport, 'summary' | 'description'> {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the constructor sets every merged field
class PackedReport implements BugReport {
  constructor(
    r: BugReport,
    private readonly texts: PackedTexts,
    private readonly at: number,
    s: (v: string | null) => string | null,
  ) {
    this.source = s(r.source)!;
    this.externalId = r.externalId;
    this.url = r.url;
    this.product = s(r.product);
    this.component = s(r.component);
    this.severity = s(r.severity);
    this.type = s(r.type);
    this.priority = s(r.priority);
    this.platform = s(r.platform);
    this.opSys = s(r.opSys);
    this.version = s(r.version);
    this.keywords = r.keywords.length === 0 ? NO_KEYWORDS : r.keywords.map((k) => s(k)!);
    this.status = s(r.status);
    this.resolution = s(r.resolution);
    this.reporter = s(r.reporter);
    this.assignee = s(r.assignee);
    this.createdAt = r.createdAt;
    this.updatedAt = r.updatedAt;
    this.labels = Object.keys(r.labels).length === 0 ? NO_LABELS : r.labels;
    const f = r.filed;
    this.filed = {
      product: s(f.product),
      component: s(f.component),
      severity: s(f.severity),
      type: s(f.type),
      priority: s(f.priority),
    };
    this.filedKnown = r.filedKnown;
    this.raw = r.raw;
  }

  get summary(): string {
    return this.texts.get(this.at);
  }

  get description(): string {
    return this.texts.get(this.at + 1);
  }
}

/**
 * Reports kept for training with their text packed (`PackedTexts`) and their repeated values
 * shared: what a million stored reports take in memory drops by half or more. Each report reads
 * as it was given (its summary and description are decoded when read); none may be changed.
 */
export class PackedReports {
  private readonly texts = new PackedTexts();
  private readonly interner = new Interner();
  private readonly intern = (v: string | null) => this.interner.of(v);

  /** The report as a packed one: equal in every field to `r`. */
  add(r: BugReport): BugReport {
    const at = this.texts.add(r.summary);
    this.texts.add(r.description);
    return Object.freeze(new PackedReport(r, this.texts, at, this.intern));
  }
}
