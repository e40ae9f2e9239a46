import { applyClassBiases } from './bias-correction.ts';
import { softmaxRows } from './calibration.ts';
import type { FittedLinearModel } from './linear-model.ts';
import type { CsrMatrix } from './sparse.ts';
import type { Explanation, RankedLabel, TextClassifierParams } from './text-classifier.ts';
import {
  CODE_TOKENIZER,
  type RawDoc,
  type TokenizerSpec,
  tokenizeDoc,
  tokenizerOptions,
} from './tokenizer-spec.ts';
import type { FittedVectorizer, TokenizedDoc } from './vectorizer.ts';

/**
 * What a single classifier and a blend both answer with: each member's calibrated probabilities
 * (softmax of its scores over its temperature), weighted, and the terms that pushed a label up.
 * One member is a classifier alone; a blend has several, each with its own vectorizer, model,
 * tokenizer and temperature.
 */
export interface MemberModel {
  readonly params: TextClassifierParams;
  readonly vectorizer: FittedVectorizer;
  readonly model: FittedLinearModel;
  readonly temperature: number;
}

export interface WeightedMember<M extends MemberModel = MemberModel> {
  classifier: M;
  weight: number;
}

function tokenizerKey(spec: TokenizerSpec | undefined): string {
  const t = spec ?? CODE_TOKENIZER;
  return `${t.stopWords}/${t.splitIdentifiers}/${t.cues ?? false}/${t.skipFencedCode ?? false}`;
}

/** A member's view of documents tokenised by the lead's tokenizer (re-tokenised from their text if it differs). */
function docsFor(member: MemberModel, lead: TokenizerSpec | undefined, docs: TokenizedDoc[]): TokenizedDoc[] {
  if (tokenizerKey(member.params.tokenizer) === tokenizerKey(lead)) return docs;
  return docs.map((d) => {
    if (!d.source)
      throw new Error('this blend tokenises in two ways: documents must come from its tokenize()');
    const t = tokenizeDoc({ text: d.source.text, meta: d.meta }, tokenizerOptions(member.params.tokenizer));
    return d.dense ? { ...t, dense: d.dense } : t;
  });
}

interface Part {
  c: MemberModel;
  weight: number;
  X: CsrMatrix;
}

/** Each member with the documents in its own columns. */
function vectorized(
  members: readonly WeightedMember[],
  lead: TokenizerSpec | undefined,
  docs: TokenizedDoc[],
): Part[] {
  return members.map(({ classifier: c, weight }) => ({
    c,
    weight,
    X: c.vectorizer.transform(docsFor(c, lead, docs)),
  }));
}

/** The members' calibrated probabilities, weighted: one member's own, unchanged. */
function average(parts: Part[], K: number): Float64Array {
  if (parts.length === 1)
    return softmaxRows(parts[0]!.c.model.decision(parts[0]!.X), K, parts[0]!.c.temperature);
  const out = new Float64Array(parts[0]!.X.nRows * K);
  let total = 0;
  for (const { c, weight, X } of parts) {
    const p = softmaxRows(c.model.decision(X), K, c.temperature);
    for (let j = 0; j < out.length; j++) out[j]! += weight * p[j]!;
    total += weight;
  }
  for (let j = 0; j < out.length; j++) out[j]! /= total;
  return out;
}

/** The members' average moved by the model's per-class biases, if it has them. */
function corrected(parts: Part[], K: number, biases: Float64Array | null): Float64Array {
  const p = average(parts, K);
  return biases ? applyClassBiases(p, K, biases) : p;
}

/** Calibrated probabilities, row-major n × K in the order of `classes`. */
export function memberProba(
  members: readonly WeightedMember[],
  lead: TokenizerSpec | undefined,
  K: number,
  docs: TokenizedDoc[],
  biases: Float64Array | null = null,
): Float64Array {
  return corrected(vectorized(members, lead, docs), K, biases);
}

/** The same from each member's rows already in its columns (one matrix per member, in order). */
export function memberProbaOfRows(
  members: readonly WeightedMember[],
  K: number,
  rows: CsrMatrix[],
  biases: Float64Array | null = null,
): Float64Array {
  if (rows.length !== members.length) throw new Error('one matrix per member');
  const parts = members.map(({ classifier: c, weight }, i) => ({ c, weight, X: rows[i]! }));
  return corrected(parts, K, biases);
}

export function rankLabels(classes: readonly string[], p: ArrayLike<number>): RankedLabel[] {
  return classes
    .map((label, k) => ({ label, probability: p[k]! }))
    .sort((a, b) => b.probability - a.probability || (a.label < b.label ? -1 : 1));
}

/**
 * Ranking and explanation from one pass over the document. Each member's pushes count by its
 * weight and in its calibrated units (score / temperature), and the same term pushed by two
 * members counts once, summed.
 */
export function analyzeMembers(
  members: readonly WeightedMember[],
  lead: TokenizerSpec | undefined,
  classes: readonly string[],
  doc: TokenizedDoc,
  topLabels: number,
  topTerms: number,
  allowed?: (label: string) => boolean,
  biases: Float64Array | null = null,
): { ranking: RankedLabel[]; explanation: Explanation[] } {
  const rows = vectorized(members, lead, [doc]);
  const total = rows.reduce((sum, r) => sum + r.weight, 0);
  const ranking = narrowed(rankLabels(classes, corrected(rows, classes.length, biases)), allowed);
  const explanation = ranking.slice(0, topLabels).map((r) => {
    const k = classes.indexOf(r.label);
    const push = new Map<string, number>();
    for (const { c, weight, X } of rows) {
      const scale = weight / total / c.temperature;
      const dense = c.vectorizer.params.dense;
      const denseStart = c.vectorizer.denseStart;
      // the dense columns are left out here: a sentence encoder's numbers mean nothing one by
      // one, so they push as one, net of the ones that pull the other way
      for (const t of c.model.contributions(X, 0, k, topTerms, dense ? denseStart : undefined)) {
        const name = c.vectorizer.terms[t.feature]!;
        push.set(name, (push.get(name) ?? 0) + t.value * scale);
      }
      if (dense) {
        const net = c.model.contributionOf(X, 0, k, denseStart, denseStart + dense.dims);
        const name = `(the report's meaning, ${dense.encoder})`;
        if (net > 0) push.set(name, (push.get(name) ?? 0) + net * scale);
      }
    }
    const because = [...push]
      .map(([feature, value]) => ({ feature, value }))
      .filter((c) => c.value > 0)
      .sort((a, b) => b.value - a.value || (a.feature < b.feature ? -1 : 1))
      .slice(0, topTerms);
    const sum = because.reduce((s, c) => s + c.value, 0) || 1;
    return {
      label: r.label,
      probability: r.probability,
      because: because.map((c) => ({ feature: c.feature, weight: c.value / sum })),
    };
  });
  return { ranking, explanation };
}

/**
 * The ranking among the allowed labels only, their probabilities renormalised to sum to one
 * (the probability of each given that the answer is one of them); all of it when none is allowed.
 */
function narrowed(ranking: RankedLabel[], allowed?: (label: string) => boolean): RankedLabel[] {
  if (!allowed) return ranking;
  const kept = ranking.filter((r) => allowed(r.label));
  const mass = kept.reduce((s, r) => s + r.probability, 0);
  if (kept.length === 0 || !(mass > 0)) return ranking;
  return kept.map((r) => ({ label: r.label, probability: r.probability / mass }));
}

/** The sentence encoder whose vectors a document needs (any member's), if any. */
export function membersEncoder(members: readonly WeightedMember[]): string | undefined {
  for (const m of members) {
    const dense = m.classifier.params.vectorizer.dense;
    if (dense) return dense.encoder;
  }
  return undefined;
}

/**
 * What a classifier alone and a blend answer with, in one place: its members' probabilities,
 * rankings and explanations; documents tokenised the lead member's way, the text kept with them.
 */
export abstract class MemberAnswers {
  /**
   * per-class biases on the members' average (bias correction fitted on held-out reports, see
   * bias-correction.ts), or null: the average as it is
   */
  readonly biases: Float64Array | null;

  constructor(biases: Float64Array | null = null) {
    this.biases = biases;
  }

  abstract get classes(): string[];
  /** the classifiers whose probabilities make the answer, with their weights */
  abstract members(): readonly WeightedMember[];
  /** the lead member's settings: its tokenizer reads every document first */
  abstract get params(): TextClassifierParams;

  /** The sentence encoder whose vectors a document needs (any member's), if any. */
  get denseEncoder(): string | undefined {
    return membersEncoder(this.members());
  }

  /** Tokenise a raw document the way this was trained (keeping the text, for a blend's other members). */
  tokenize(doc: RawDoc): TokenizedDoc {
    // the text is kept by reference (no copy), so a member with another tokenizer can re-read it
    return { ...tokenizeDoc(doc, tokenizerOptions(this.params.tokenizer)), source: { text: doc.text } };
  }

  /** Calibrated probabilities, row-major n × K in the order of `classes`. */
  predictProba(docs: TokenizedDoc[]): Float64Array {
    return memberProba(this.members(), this.params.tokenizer, this.classes.length, docs, this.biases);
  }

  /** Calibrated probabilities of rows already vectorised, one matrix per member in its columns. */
  predictProbaOfRows(rows: CsrMatrix[]): Float64Array {
    return memberProbaOfRows(this.members(), this.classes.length, rows, this.biases);
  }

  /**
   * From raw fields to calibrated probabilities in one call: each document tokenised the way this
   * was trained (a sentence encoder's vector, when the model reads one, given beside the fields).
   */
  predictRaw(docs: (RawDoc & { dense?: Float32Array })[]): Float64Array {
    return this.predictProba(
      docs.map((d) => {
        const t = this.tokenize(d);
        return d.dense ? { ...t, dense: d.dense } : t;
      }),
    );
  }

  /** Every label, most probable first. */
  predict(doc: TokenizedDoc): RankedLabel[] {
    return rankLabels(this.classes, this.predictProba([doc]));
  }

  /** The terms and fields behind each of the top labels. */
  explain(doc: TokenizedDoc, topLabels = 3, topTerms = 8): Explanation[] {
    return this.analyze(doc, topLabels, topTerms).explanation;
  }

  /**
   * Ranking and explanation from one pass over the document: what a service answering one report
   * at a time wants (vectorising twice would double the cost).
   */
  analyze(
    doc: TokenizedDoc,
    topLabels = 3,
    topTerms = 8,
    /** only these labels may answer (the others' probability is shared out among them) */
    allowed?: (label: string) => boolean,
  ): { ranking: RankedLabel[]; explanation: Explanation[] } {
    return analyzeMembers(
      this.members(),
      this.params.tokenizer,
      this.classes,
      doc,
      topLabels,
      topTerms,
      allowed,
      this.biases,
    );
  }
}
