import { ENGLISH_STOP_WORDS } from '../ml/index.ts';

/** How a field is named in a sentence a reporter reads. */
const FIELD_WORDS: Record<string, string> = {
  summary: 'the title',
  description: 'the description',
  product: 'the product',
  component: 'the component',
  platform: 'the platform',
  opSys: 'the operating system',
  severity: 'the severity',
  version: 'the version',
  reporter: 'the reporter',
  priority: 'the priority',
  type: 'the type',
};

const fieldWords = (f: string) => {
  const base = f.replace(/@.*$/, '');
  return FIELD_WORDS[base] ?? `the ${base}`;
};

/**
 * One feature of a model, as a phrase: `summary:namenode` → "the title mentions “namenode”",
 * `opSys=Linux` → "the operating system is “Linux”", `opSys=<missing>` → "no operating system
 * was given". Null for a term made only of English function words ("the", "when"): true to the
 * model, but no reason a person can use.
 */
export function describeFeature(feature: string): string | null {
  const text = /^([A-Za-z_]+(?:@[A-Za-z_]+)?):(.+)$/.exec(feature);
  if (text) {
    const words = text[2]!.split(/\s+/);
    if (words.every((w) => ENGLISH_STOP_WORDS.has(w.toLowerCase()))) return null;
    return `${fieldWords(text[1]!)} mentions “${text[2]}”`;
  }
  const meta = /^([A-Za-z_]+)=(.*)$/.exec(feature);
  if (meta) {
    if (meta[2] === '<missing>') return `no ${fieldWords(meta[1]!).replace(/^the /, '')} was given`;
    return `${fieldWords(meta[1]!)} is “${meta[2]}”`;
  }
  return feature;
}

/** The reasons behind one label, in words, strongest first, at most `max`. */
export function reasonsFor(because: readonly { feature: string }[], max = 5): string[] {
  const out: string[] = [];
  for (const b of because) {
    const d = describeFeature(b.feature);
    if (d && !out.includes(d)) out.push(d);
    if (out.length >= max) break;
  }
  return out;
}
