import { createHash } from 'node:crypto';
import { FILE_RANKER_FORMAT, FileRankerModel } from './file-ranker-model.ts';
import { FittedBlend, type TextModel, textModelFromJSON } from './fitted-blend.ts';
import { FittedMultilabelClassifier, MULTILABEL_FORMAT } from './multilabel-classifier.ts';
import { ARTIFACT_FORMAT, ARTIFACT_VERSION, FittedTextClassifier } from './text-classifier.ts';

/** Whatever a task's version stores: the payload's own format says which. */
export type FittedModel = TextModel | FittedMultilabelClassifier | FileRankerModel;

/** Why an artifact could not be loaded: corrupt (checksum, JSON) or incompatible (format, version). */
export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** A fitted classifier as text: a small envelope (format, version, checksum) around its JSON. */
export function serializeClassifier(model: FittedModel): string {
  const payload = JSON.stringify(model.toJSON());
  return JSON.stringify({
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    sha256: sha256(payload),
    payload,
  });
}

export function deserializeClassifier(text: string): TextModel {
  const m = deserializeModel(text);
  if (!(m instanceof FittedTextClassifier || m instanceof FittedBlend))
    throw new ArtifactError(
      'model artifact holds a multi-label classifier or a file ranker, not a one-label classifier',
    );
  return m;
}

export function deserializeModel(text: string): FittedModel {
  let envelope: { format?: unknown; version?: unknown; sha256?: unknown; payload?: unknown };
  try {
    envelope = JSON.parse(text);
  } catch (e) {
    throw new ArtifactError(`model artifact is corrupt: not JSON (${(e as Error).message})`);
  }
  if (envelope.format !== ARTIFACT_FORMAT) {
    throw new ArtifactError(`not an eightball model artifact (format ${JSON.stringify(envelope.format)})`);
  }
  if (envelope.version !== ARTIFACT_VERSION) {
    throw new ArtifactError(
      `model artifact version ${JSON.stringify(envelope.version)} is incompatible with this eightball (reads version ${ARTIFACT_VERSION}); retrain the model`,
    );
  }
  if (typeof envelope.payload !== 'string' || sha256(envelope.payload) !== envelope.sha256) {
    throw new ArtifactError('model artifact is corrupt: checksum mismatch');
  }
  try {
    const payload = JSON.parse(envelope.payload) as Record<string, unknown>;
    if (payload.format === MULTILABEL_FORMAT) return FittedMultilabelClassifier.fromJSON(payload);
    if (payload.format === FILE_RANKER_FORMAT) return FileRankerModel.fromJSON(payload);
    return textModelFromJSON(payload);
  } catch (e) {
    throw new ArtifactError(`model artifact is corrupt: ${(e as Error).message}`);
  }
}
