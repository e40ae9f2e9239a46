import { createHash } from 'node:crypto';
import type { FittedModel } from '../../src/ml/index.ts';

/**
 * A model written the way eightball wrote artifacts before the binary ones: a JSON envelope
 * (format, version, sha256) around the model's JSON, its weights in base64, other typed arrays
 * as number lists. Stored versions of that kind must still load.
 */
export function legacyArtifact(model: FittedModel, format: string, version: number): string {
  const payload = JSON.stringify(model.toJSON(), (key, v) => {
    if (v instanceof Float32Array && key === 'weights')
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    if (v instanceof Float32Array || v instanceof Float64Array) return Array.from(v);
    return v;
  });
  return JSON.stringify({
    format,
    version,
    sha256: createHash('sha256').update(payload).digest('hex'),
    payload,
  });
}
