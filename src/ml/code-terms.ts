import { ENGLISH_STOP_WORDS } from './tokenizer.ts';

/**
 * Terms of source files and of the reports ranked against them, read the same way: identifiers
 * split at camelCase and snake_case with the whole kept ("BcelShadow" → bcelshadow, bcel, shadow),
 * comments' words, the path's parts; English stop words and the languages' keywords left out.
 */

const KEYWORDS = new Set(
  (
    'abstract assert boolean break byte case catch char class const continue default do double else enum ' +
    'extends final finally float for goto if implements import instanceof int interface long native new ' +
    'package private protected public return short static strictfp super switch synchronized this throw ' +
    'throws transient try void volatile while true false null var let function def self elif fn pub mut ' +
    'impl struct use mod namespace using typename template include define ifdef endif java org com net www ' +
    'http https src main test tests'
  ).split(' '),
);

const IDENT = /[A-Za-z_$][A-Za-z0-9_$]*/g;
const CAMEL = /[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])/g;

function keep(t: string): boolean {
  return t.length >= 2 && t.length <= 40 && !ENGLISH_STOP_WORDS.has(t) && !KEYWORDS.has(t);
}

/** Every term of a text, in order, repeated as often as it occurs. */
export function codeTokens(text: string, out: string[] = []): string[] {
  for (const m of text.matchAll(IDENT)) {
    const id = m[0];
    const whole = id.toLowerCase();
    const parts = id.match(CAMEL) ?? [];
    const split = parts.length > 1 || id.includes('_');
    if (keep(whole)) out.push(whole);
    if (split)
      for (const p of parts) {
        const w = p.toLowerCase();
        if (w !== whole && keep(w)) out.push(w);
      }
  }
  return out;
}

export interface CodeTerms {
  /** term → how often it occurs (code, comments and path alike) */
  counts: Map<string, number>;
  /** terms in all */
  length: number;
  /** the types the file declares (class, interface, enum, struct) */
  classes: string[];
  /** the methods and functions it declares */
  methods: string[];
}

const TYPE_DECL = /\b(?:class|interface|enum|struct|record|trait|object)\s+([A-Za-z_$][A-Za-z0-9_$]*)/g;
// a name followed by a parameter list and a body: declarations, not calls (`foo(x);`)
const METHOD_DECL = /\b([A-Za-z_$][A-Za-z0-9_$]*)\s*\([^;{}()]*\)\s*(?:throws\s+[\w.,\s]+)?\{/g;
const NOT_METHODS = new Set(['if', 'for', 'while', 'switch', 'catch', 'synchronized', 'return', 'new']);

/** at most this much of one file is read: generated tables and data add nothing past it */
const MAX_CHARS = 400_000;

/** A file's terms: its path's parts count once, its text as often as each term occurs. */
export function codeTerms(path: string, content: string): CodeTerms {
  const text = content.length > MAX_CHARS ? content.slice(0, MAX_CHARS) : content;
  const tokens = codeTokens(path.replace(/\.[A-Za-z0-9]+$/, ''));
  codeTokens(text, tokens);
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  const classes = [...new Set([...text.matchAll(TYPE_DECL)].map((m) => m[1]!))];
  const methods = [
    ...new Set([...text.matchAll(METHOD_DECL)].map((m) => m[1]!).filter((m) => !NOT_METHODS.has(m))),
  ];
  return { counts, length: tokens.length, classes, methods };
}

/** One frame of a stack trace: the class (as written) and the file it names, in trace order. */
export interface StackFrame {
  className: string;
  method: string;
  file: string | null;
}

const JAVA_FRAME =
  /\bat\s+([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\.([\w$<>]+)\(([\w$]+\.[A-Za-z]+)?[^)]*\)/g;
const PY_FRAME = /File "([^"]+)", line \d+, in (\w+)/g;

/** The stack frames of a report's text, topmost first (where a fix usually is). */
export function stackFrames(text: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const m of text.matchAll(JAVA_FRAME)) {
    // an inner class ($1, $Inner) lives in its outer class's file
    const className = m[1]!.replace(/\$.*$/, '');
    frames.push({ className, method: m[2]!, file: m[3] ?? null });
  }
  for (const m of text.matchAll(PY_FRAME)) frames.push({ className: m[1]!, method: m[2]!, file: m[1]! });
  return frames;
}

/** Identifiers written in camelCase or with dots in a report: the classes and methods it names. */
export function namedIdentifiers(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const id = m[0];
    if (/[a-z][A-Z]|^[A-Z][a-z]+[A-Z]/.test(id)) out.add(id);
  }
  return out;
}
