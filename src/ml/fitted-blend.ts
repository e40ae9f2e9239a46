import { MemberAnswers } from './member-average.ts';
import {
  type BlendMember,
  biasesFromJSON,
  FittedTextClassifier,
  type TextClassifierParams,
} from './text-classifier.ts';
import type { FittedVectorizer } from './vectorizer.ts';

/**
 * Several fitted classifiers whose calibrated probabilities are averaged by weight (each fitted on
 * the same reports, with its own vectorizer, model, tokenizer and temperature): chosen from the
 * model search's out-of-fold scores by `selectEnsemble`. The heaviest member leads: documents are
 * tokenised its way (the others re-read the text kept with them), and its vectorizer serves the
 * similar-reports index.
 */
export class FittedBlend extends MemberAnswers {
  private readonly list: readonly BlendMember[];

  constructor(members: readonly BlendMember[], biases: Float64Array | null = null) {
    super(biases);
    if (members.length < 2) throw new Error('a blend has at least two members');
    const classes = members[0]!.classifier.classes.join('\u0000');
    for (const m of members) {
      if (m.classifier.classes.join('\u0000') !== classes)
        throw new Error('blend members must have the same classes in the same order');
      if (!(m.weight > 0)) throw new Error(`blend weight must be positive (got ${m.weight})`);
    }
    this.list = members;
  }

  private get lead(): FittedTextClassifier {
    return this.list[0]!.classifier;
  }

  get classes(): string[] {
    return this.lead.classes;
  }

  /** The lead member's settings: its tokenizer reads every document first. */
  get params(): TextClassifierParams {
    return this.lead.params;
  }

  get vectorizer(): FittedVectorizer {
    return this.lead.vectorizer;
  }

  /** The lead member's temperature (each member has its own). */
  get temperature(): number {
    return this.lead.temperature;
  }

  members(): readonly BlendMember[] {
    return this.list;
  }

  /** The artifact shape blends have always had: the lead's fields, the others as partners. */
  toJSON(): object {
    const [lead, ...partners] = this.list;
    return {
      ...(lead!.classifier.toJSON() as Record<string, unknown>),
      blend: {
        weight: lead!.weight,
        partners: partners.map((p) => ({ weight: p.weight, classifier: p.classifier.toJSON() })),
        ...(this.biases ? { biases: [...this.biases] } : {}),
      },
    };
  }

  static fromJSON(o: Record<string, unknown>): FittedBlend {
    const b = o.blend as {
      weight: number;
      partners: { weight: number; classifier: Record<string, unknown> }[];
      biases?: unknown;
    };
    const { blend: _b, ...lead } = o;
    const first = FittedTextClassifier.fromJSON(lead);
    return new FittedBlend(
      [
        { classifier: first, weight: b.weight },
        ...b.partners.map((p) => ({
          classifier: FittedTextClassifier.fromJSON(p.classifier),
          weight: p.weight,
        })),
      ],
      biasesFromJSON(b.biases, first.classes.length),
    );
  }
}

/** What a one-label task serves: a classifier alone, or a blend of them. */
export type TextModel = FittedTextClassifier | FittedBlend;

/** Read back a one-label model's JSON: a blend carries `blend`. */
export function textModelFromJSON(o: Record<string, unknown>): TextModel {
  // format and version are checked by FittedTextClassifier.fromJSON, for a blend's lead too
  return o.blend ? FittedBlend.fromJSON(o) : FittedTextClassifier.fromJSON(o);
}
