import { createHash } from 'node:crypto';
import { isBinaryArtifact, packBinary, unpackBinary } from './binary-artifact.ts';
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

/**
 * A fitted model as bytes: its format, version and tree of parameters, the typed arrays (weights,
 * idf) and the vocabulary kept as raw bytes and the whole checksummed (`binary-artifact.ts`).
 */
export function serializeClassifier(model: FittedModel): Buffer {
  return packBinary({ format: ARTIFACT_FORMAT, version: ARTIFACT_VERSION, payload: model.toJSON() });
}

export function deserializeClassifier(artifact: string | Uint8Array): TextModel {
  const m = deserializeModel(artifact);
  if (!(m instanceof FittedTextClassifier || m instanceof FittedBlend))
    throw new ArtifactError(
      'model artifact holds a multi-label classifier or a file ranker, not a one-label classifier',
    );
  return m;
}

/**
 * A stored model back: a binary artifact, or the JSON envelope (base64 weights inside a JSON
 * string) every version before the binary one wrote, which still loads.
 */
export function deserializeModel(artifact: string | Uint8Array): FittedModel {
  if (typeof artifact !== 'string') return fromBinary(artifact);
  const text = artifact;
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
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(envelope.payload) as Record<string, unknown>;
  } catch (e) {
    throw new ArtifactError(`model artifact is corrupt: ${(e as Error).message}`);
  }
  return modelOf(payload);
}

function modelOf(payload: Record<string, unknown>): FittedModel {
  try {
    if (payload.format === MULTILABEL_FORMAT) return FittedMultilabelClassifier.fromJSON(payload);
    if (payload.format === FILE_RANKER_FORMAT) return FileRankerModel.fromJSON(payload);
    return textModelFromJSON(payload);
  } catch (e) {
    throw new ArtifactError(`model artifact is corrupt: ${(e as Error).message}`);
  }
}

function fromBinary(bytes: Uint8Array): FittedModel {
  if (!isBinaryArtifact(bytes)) {
    // a JSON envelope that came back as bytes (a BLOB column holding text)
    return deserializeModel(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }
  let tree: { format?: unknown; version?: unknown; payload?: unknown };
  try {
    tree = unpackBinary(bytes) as typeof tree;
  } catch (e) {
    throw new ArtifactError(
      (e as Error).message.startsWith('model artifact')
        ? (e as Error).message
        : `model artifact is corrupt: ${(e as Error).message}`,
    );
  }
  if (tree.format !== ARTIFACT_FORMAT)
    throw new ArtifactError(`not an eightball model artifact (format ${JSON.stringify(tree.format)})`);
  if (tree.version !== ARTIFACT_VERSION)
    throw new ArtifactError(
      `model artifact version ${JSON.stringify(tree.version)} is incompatible with this eightball (reads version ${ARTIFACT_VERSION}); retrain the model`,
    );
  if (!tree.payload || typeof tree.payload !== 'object')
    throw new ArtifactError('model artifact is corrupt: no payload');
  return modelOf(tree.payload as Record<string, unknown>);
}
