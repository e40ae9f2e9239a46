import { readFileSync, statSync } from 'node:fs';
import { EightballError } from '../domain/index.ts';
import { displayName } from './file-reading.ts';
import type { LabelTable } from './labels-file.ts';

/** A map of a million reports' fixes stays well under this; a larger file is not one. */
const MAX_BYTES = 256 * 1024 * 1024;

/**
 * Read a fixed-files map: a JSON object from report id to the files (or, as Jira's
 * `code_changes.json` has them, the classes) its fix changed, e.g. `{"HIVE-10": ["SemanticAnalyzer"]}`.
 * Returned as a labels table (`files`, space-separated) so it joins into reports as `--labels` does.
 * A value that is not a list of names is refused with the id it belongs to: a silently dropped
 * entry would move the benchmark.
 */
export function readFixedFiles(path: string): LabelTable {
  const file = displayName(path);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new EightballError('not-found', `${file}: no such file`);
  }
  if (size > MAX_BYTES)
    throw new EightballError('usage', `${file}: ${size} bytes; a fixed-files map is at most ${MAX_BYTES}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EightballError('unknown-format', `${file}: not JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new EightballError(
      'unknown-format',
      `${file}: a fixed-files map is a JSON object from report id to a list of files`,
    );
  const table: LabelTable = new Map();
  for (const [id, value] of Object.entries(parsed)) {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      throw new EightballError('rejected', `${file}: ${id}: expected a list of file or class names`);
    // names are split on blanks, commas and semicolons downstream, so none may hold one
    const names = [...new Set((value as string[]).map((v) => v.trim()).filter(Boolean))];
    const bad = names.find((n) => /[\s,;]/.test(n));
    if (bad !== undefined)
      throw new EightballError('rejected', `${file}: ${id}: "${bad}" holds a blank, comma or semicolon`);
    if (names.length > 0) table.set(id.trim(), { files: names.join(' ') });
  }
  if (table.size === 0) throw new EightballError('rejected', `${file}: no report has a fixed file`);
  return table;
}
