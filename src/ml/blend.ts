import { FittedBlend, type TextModel } from './fitted-blend.ts';
import {
  type BlendMember,
  type FitOptions,
  FittedTextClassifier,
  type RawDoc,
  TextClassifier,
  type TextClassifierParams,
  type TokenizerSpec,
} from './text-classifier.ts';
import type { TokenizedDoc } from './vectorizer.ts';

/** What a blend member is before fitting. */
export interface BlendSpec {
  params: TextClassifierParams;
  weight: number;
  temperature: number;
}

/**
 * Fit a blend: each member on the same reports and labels, read through `docsFor` (called once per
 * member, with its tokenizer); the heaviest member comes first and answers for the blend's
 * `params` (its vectorizer also serves the similar-reports index).
 */
export function fitBlend(
  specs: BlendSpec[],
  docsFor: (tokenizer: TokenizerSpec | undefined) => Iterable<TokenizedDoc>,
  y: string[],
  options: FitOptions = {},
): TextModel {
  return blendOf(specs, (s) => new TextClassifier(s.params, options).fit(docsFor(s.params.tokenizer), y));
}

/**
 * The same from raw fields: each member tokenises them with its own tokenizer (`fitRaw`), the way
 * it will when it answers. `raw` is called once per member and read once, in order.
 */
export function fitBlendRaw(
  specs: BlendSpec[],
  raw: () => Iterable<RawDoc & { dense?: Float32Array }>,
  y: string[],
  options: FitOptions = {},
): TextModel {
  return blendOf(specs, (s) => new TextClassifier(s.params, options).fitRaw(raw(), y));
}

function blendOf(specs: BlendSpec[], fit: (s: BlendSpec) => FittedTextClassifier): TextModel {
  if (specs.length === 0) throw new Error('a blend needs at least one member');
  const order = specs.map((s, i) => ({ s, i })).sort((a, b) => b.s.weight - a.s.weight || a.i - b.i);
  // calibration is a step of its own: each member fitted, then given its validated temperature
  return ofMembers(
    order.map(({ s }) => {
      const c = fit(s);
      return {
        classifier: new FittedTextClassifier(c.params, c.vectorizer, c.model, s.temperature),
        weight: s.weight,
      };
    }),
  );
}

/** One member is a classifier alone; more are a blend. */
function ofMembers(members: BlendMember[]): TextModel {
  return members.length === 1 ? members[0]!.classifier : new FittedBlend(members);
}

/** The same classifier (or blend) with new temperatures, one per member; null keeps a member's. */
export function withTemperatures(fitted: TextModel, temperatures: (number | null)[]): TextModel {
  const again = ofMembers(
    fitted.members().map((m, i) => {
      const c = m.classifier;
      const t = temperatures[i] ?? c.temperature;
      return { classifier: new FittedTextClassifier(c.params, c.vectorizer, c.model, t), weight: m.weight };
    }),
  );
  return fitted.biases ? withBiases(again, fitted.biases) : again;
}

/** The same classifier (or blend) answering through per-class biases (null: none). */
export function withBiases(fitted: TextModel, biases: Float64Array | null): TextModel {
  const members = fitted.members();
  if (members.length === 1) {
    const c = members[0]!.classifier;
    return new FittedTextClassifier(c.params, c.vectorizer, c.model, c.temperature, biases);
  }
  return new FittedBlend(members, biases);
}

/** The blend's members as specs, to fit them again on other reports. */
export function blendSpecs(fitted: TextModel): BlendSpec[] {
  return fitted.members().map((m) => ({
    params: m.classifier.params,
    weight: m.weight,
    temperature: m.classifier.temperature,
  }));
}
