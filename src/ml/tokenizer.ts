/**
 * English function words that carry no triage signal. Negations ("not", "no", "cannot") are kept
 * on purpose: "does not start" is a bug report's most telling phrase.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below ' +
    'between both but by could did do does doing down during each few for from further had has have having ' +
    'he her here hers herself him himself his how i if in into is it its itself just me more most my myself ' +
    'of off on once only or other our ours ourselves out over own same she should so some such than that the ' +
    'their theirs them themselves then there these they this those through to too under until up very was we ' +
    'were what when where which while who whom why will with would you your yours yourself yourselves also ' +
    'can may might must shall us let get got im ive id thats theres its'
  ).split(' '),
);

export interface TokenizerOptions {
  lowercase?: boolean;
  stopWords?: ReadonlySet<string>;
  /** split camelCase and snake_case identifiers into their words, keeping the whole too */
  splitIdentifiers?: boolean;
  /** tokens shorter than this are dropped */
  minLength?: number;
  /** only this many characters of a text are read: logs pasted into a report add little after that */
  maxChars?: number;
  /**
   * add cue tokens no word can be: `?question` when the text asks something, `?code` when it holds
   * a fenced code block. Words alone lose the question mark, and a question is what sets the
   * "question" class of GitHub trackers apart (NLBSE'24 macro-F1 0.759 → 0.766, bench/RESULTS.md).
   */
  cues?: boolean;
  /**
   * leave out what lies inside fenced code blocks (```...```, an unclosed fence running to the end):
   * on GitHub trackers they hold logs, stack traces and pasted source that every kind of issue
   * shares, and drown the prose that tells a bug from a request or a question (NLBSE'24 macro-F1
   * 0.766 → 0.770, pooled 0.778 → 0.785, bench/RESULTS.md). The `?code` cue still says a block was there.
   */
  skipFencedCode?: boolean;
}

// identifiers with dots, slashes, colons or $ (java.lang.Foo$Bar, src/a/b.cpp, ns::Type), hex codes,
// versions, words
const TOKEN =
  /0x[0-9a-f]+|[\p{L}_$][\p{L}\p{N}_$]*(?:(?:\.|::|\/|\\|-(?=[\p{L}]))[\p{L}\p{N}_$]+)*|\p{N}+(?:\.\p{N}+)*/gu;
const CAMEL = /[\p{Lu}]?[\p{Ll}\p{N}]+|[\p{Lu}]+(?![\p{Ll}])|[\p{Lu}][\p{Ll}]*/gu;
const SEPARATORS = /\.|::|\/|\\|-/;

function isDigits(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return t.length > 0;
}

function pushWord(out: string[], w: string, opts: Required<TokenizerOptions>): void {
  const t = opts.lowercase ? w.toLowerCase() : w;
  if (t.length < opts.minLength || opts.stopWords.has(t)) return;
  // long digit runs are ids, timestamps and addresses: noise to a classifier
  if (t.length > 4 && isDigits(t)) return;
  out.push(t);
}

/**
 * Whether an identifier may split into several words: it holds _ or $, or an upper-case letter
 * after its first character, or a character outside ASCII (whose case only the regex knows).
 * Most words are plain lower-case and skip the splitting regexes altogether.
 */
function maySplit(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 95 || c === 36 || c > 127 || (i > 0 && c >= 65 && c <= 90)) return true;
  }
  return false;
}

function pushIdentifier(out: string[], id: string, opts: Required<TokenizerOptions>): void {
  pushWord(out, id, opts);
  if (!opts.splitIdentifiers || !maySplit(id)) return;
  const snake = id.split(/[_$]+/).filter((s) => s.length > 0);
  const parts: string[] = [];
  for (const s of snake) {
    const camel = s.match(CAMEL);
    if (camel) parts.push(...camel);
  }
  if (parts.length > 1) for (const p of parts) pushWord(out, p, opts);
}

/** A token with . :: / \\ or - in it: a path, a qualified name, a version. */
function isCompound(tok: string): boolean {
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (c === 46 || c === 47 || c === 92 || c === 45 || (c === 58 && tok.charCodeAt(i + 1) === 58))
      return true;
  }
  return false;
}

function startsLikeWord(tok: string): boolean {
  const c = tok.charCodeAt(0);
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36) return true;
  if (c < 128) return false;
  return /^[\p{L}_$]/u.test(tok);
}

function isDottedNumber(tok: string): boolean {
  return /^\d+(\.\d+)*$/.test(tok);
}

const NOT_ASCII = /[^\x00-\x7f]/;

// character classes of TOKEN, for ASCII text
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordStart = (c: number) => isLetter(c) || c === 95 || c === 36;
const isWordChar = (c: number) => isWordStart(c) || isDigit(c);
const isLowerHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102);

/**
 * The tokens TOKEN finds in an ASCII text, found by character tests instead: on most reports the
 * regex engine's match objects cost more than the tokens (tokenising 200,000 generated reports:
 * 25.5-26.7 s → 20.3 s, bench/RESULTS.md). The alternatives are tried in TOKEN's order, each as
 * greedy as TOKEN's; a text with any character past ASCII goes to the regex, whose \p classes know
 * the other scripts.
 */
function scanAscii(src: string, take: (tok: string) => void): void {
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 48 && src.charCodeAt(i + 1) === 120 && isLowerHex(src.charCodeAt(i + 2))) {
      // 0x[0-9a-f]+
      let e = i + 3;
      while (e < n && isLowerHex(src.charCodeAt(e))) e++;
      take(src.slice(i, e));
      i = e;
    } else if (isWordStart(c)) {
      // [\p{L}_$][\p{L}\p{N}_$]* then (separator [\p{L}\p{N}_$]+)*, a separator being . :: / \
      // or a - before a letter
      let e = i + 1;
      while (e < n && isWordChar(src.charCodeAt(e))) e++;
      for (;;) {
        const s = src.charCodeAt(e);
        let after = -1;
        if (s === 46 || s === 47 || s === 92) after = e + 1;
        else if (s === 58 && src.charCodeAt(e + 1) === 58) after = e + 2;
        else if (s === 45 && isLetter(src.charCodeAt(e + 1))) after = e + 1;
        if (after < 0 || !isWordChar(src.charCodeAt(after))) break;
        e = after + 1;
        while (e < n && isWordChar(src.charCodeAt(e))) e++;
      }
      take(src.slice(i, e));
      i = e;
    } else if (isDigit(c)) {
      // \p{N}+(?:\.\p{N}+)*
      let e = i + 1;
      while (e < n && isDigit(src.charCodeAt(e))) e++;
      while (src.charCodeAt(e) === 46 && isDigit(src.charCodeAt(e + 1))) {
        e += 2;
        while (e < n && isDigit(src.charCodeAt(e))) e++;
      }
      take(src.slice(i, e));
      i = e;
    } else {
      i++;
    }
  }
}

/** Each match of TOKEN in `src`, in order: by the scanner when the text is ASCII, unless `viaRegex`. */
function forEachRawToken(src: string, take: (tok: string) => void, viaRegex = false): void {
  if (viaRegex || NOT_ASCII.test(src)) {
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(src); m !== null; m = TOKEN.exec(src)) take(m[0]);
  } else {
    scanAscii(src, take);
  }
}

/** The matches of TOKEN in a text, before words are split and filtered (for the scanner's tests). */
export function rawTokens(src: string, viaRegex = false): string[] {
  const out: string[] = [];
  forEachRawToken(src, (t) => out.push(t), viaRegex);
  return out;
}

/**
 * Code-aware tokens: words, identifiers (whole and split), dotted and slashed paths (whole, and
 * each segment), hex error codes. Deterministic and allocation-light: it runs on every report, so
 * the per-token checks are character tests and the regexes run only where they can matter. The
 * tokens are appended to `out` (a new array unless given).
 */
export function tokenize(text: string, options: TokenizerOptions = {}, out: string[] = []): string[] {
  const opts: Required<TokenizerOptions> = {
    lowercase: options.lowercase ?? true,
    stopWords: options.stopWords ?? ENGLISH_STOP_WORDS,
    splitIdentifiers: options.splitIdentifiers ?? true,
    minLength: options.minLength ?? 2,
    maxChars: options.maxChars ?? 4000,
    cues: options.cues ?? false,
    skipFencedCode: options.skipFencedCode ?? false,
  };
  const skip = opts.skipFencedCode && text.includes('```');
  const prose = skip ? withoutFencedCode(text) : text;
  const cut = prose.length > opts.maxChars ? prose.slice(0, opts.maxChars) : prose;
  // "doesn't" → "does not": the negation survives as a token
  const src = cut.replace(/n['\u2019]t\b/gi, ' not');
  const take = (tok: string) => {
    if (isCompound(tok) && !isDottedNumber(tok)) {
      // a compound: keep it whole (a file or class name is a strong signal), then its parts
      if (tok.length <= 80) pushWord(out, tok, opts);
      for (const seg of tok.split(SEPARATORS)) if (seg.length > 0) pushIdentifier(out, seg, opts);
    } else if (startsLikeWord(tok)) {
      pushIdentifier(out, tok, opts);
    } else {
      pushWord(out, tok, opts);
    }
  };
  forEachRawToken(src, take);
  if (opts.cues) {
    if (cut.includes('?')) out.push('?question');
    if (skip || cut.includes('```')) out.push('?code');
  }
  return out;
}

/** The text with each fenced code block (and an unclosed one, to the end) replaced by a newline. */
export function withoutFencedCode(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('```', from);
    if (open < 0) return out + text.slice(from);
    out += `${text.slice(from, open)}\n`;
    const close = text.indexOf('```', open + 3);
    if (close < 0) return out;
    from = close + 3;
  }
}

/** Character n-grams of the words of a text, with word boundaries marked (like char_wb). */
export function charNgrams(words: string[], min: number, max: number): string[] {
  const out: string[] = [];
  for (const w of words) {
    const padded = ` ${w} `;
    for (let n = min; n <= max; n++) {
      if (padded.length < n) break;
      for (let i = 0; i + n <= padded.length; i++) out.push(padded.slice(i, i + n));
    }
  }
  return out;
}
