import type { TokenizedDoc } from './terms.ts';
import { type TokenizerOptions, tokenize } from './tokenizer.ts';

/** How text becomes tokens, in a form an artifact can carry. */
export interface TokenizerSpec {
  /** drop English function words */
  stopWords: boolean;
  /** split camelCase/snake_case identifiers (keeping the whole too) */
  splitIdentifiers: boolean;
  /** cue tokens for a question mark and a code block (absent in older artifacts: none) */
  cues?: boolean;
  /** leave out the contents of fenced code blocks (absent in older artifacts: kept) */
  skipFencedCode?: boolean;
}

/** Code-aware: what suits trackers full of class names, paths and stack traces. */
export const CODE_TOKENIZER: TokenizerSpec = { stopWords: true, splitIdentifiers: true };
/** Plain words: better on prose-heavy reports (measured on NLBSE'24 GitHub issues). */
export const PLAIN_TOKENIZER: TokenizerSpec = {
  stopWords: false,
  splitIdentifiers: false,
  cues: true,
  skipFencedCode: true,
};

export function tokenizerOptions(spec: TokenizerSpec = CODE_TOKENIZER): TokenizerOptions {
  return {
    splitIdentifiers: spec.splitIdentifiers,
    cues: spec.cues ?? false,
    skipFencedCode: spec.skipFencedCode ?? false,
    ...(spec.stopWords ? {} : { stopWords: new Set<string>() }),
  };
}

/** A document before tokenising: text per field and categorical values per field. */
export interface RawDoc {
  text: Record<string, string>;
  meta: Record<string, string[]>;
}

export function tokenizeDoc(doc: RawDoc, opts: TokenizerOptions = {}): TokenizedDoc {
  const text: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(doc.text)) text[k] = tokenize(v, opts);
  return { text, meta: doc.meta };
}

/**
 * Tokenises one document at a time into arrays it keeps and reuses: the document it returns is
 * valid until the next call. For a pass that reads each document once (counting a corpus).
 * `tokenizeDoc`'s arrays come from one allocation site, which V8 starts to allocate in the old
 * generation once a training has kept many of them (the model search's token cache); a pass
 * over a million documents then promoted every token it made, and the train's resident size rose
 * by 0.7-1 GB between full collections (bench/RESULTS.md). Arrays kept and refilled hold only
 * the current document's tokens, which the young generation's collections free.
 */
export class DocTokenizer {
  private readonly arrays = new Map<string, string[]>();

  constructor(private readonly options: TokenizerOptions) {}

  tokenize(raw: RawDoc): TokenizedDoc {
    const text: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(raw.text)) {
      let out = this.arrays.get(k);
      if (!out) {
        out = [];
        this.arrays.set(k, out);
      }
      out.length = 0;
      text[k] = tokenize(v, this.options, out);
    }
    return { text, meta: raw.meta };
  }
}
