import { createInterface } from 'node:readline';
import { EightballError } from '../domain/index.ts';
import { displayName, progressStream, readHead } from './file-reading.ts';
import type { SourceOptions } from './source-item.ts';

/** One JSON record read from a file, or why a piece of the file could not be read as one. */
export type JsonRecord =
  | { ok: true; value: unknown; line: number; text: string }
  | { ok: false; line: number; reason: string; text: string };

/** Keys under which a JSON document holds its list of records (Bugzilla, Jira, GitHub search). */
const RECORD_KEYS = new Set(['bugs', 'issues', 'items', 'records']);

export type JsonLayout = 'lines' | 'array' | 'document';

/**
 * Deeper than this, a record is refused before it is parsed: no tracker nests anywhere near it
 * (a Bugzilla bug with history is 5 levels), and walking a value thousands deep overflows the stack.
 */
export const MAX_JSON_DEPTH = 100;

/** Whether a JSON text nests arrays and objects deeper than `max` (strings skipped). */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** One record's text parsed, or why not. */
function parseRecord(text: string, line: number): JsonRecord {
  if (nestedDeeperThan(text, MAX_JSON_DEPTH))
    return {
      ok: false,
      line,
      reason: `nested deeper than ${MAX_JSON_DEPTH} levels`,
      text: text.slice(0, 1000),
    };
  try {
    return { ok: true, value: JSON.parse(text), line, text };
  } catch (e) {
    return { ok: false, line, reason: `malformed JSON: ${(e as Error).message}`, text };
  }
}

/**
 * JSON Lines when the first line is a complete JSON value on its own; otherwise a document:
 * a top-level array, or an object with one of RECORD_KEYS holding the array.
 */
export function detectJsonLayout(head: string): JsonLayout {
  const trimmed = head.trimStart();
  if (trimmed.startsWith('[')) return 'array';
  const firstLine = trimmed.split('\n', 1)[0] ?? '';
  try {
    const v = JSON.parse(firstLine);
    return typeof v === 'object' && v !== null && !isRecordWrapper(v) ? 'lines' : 'document';
  } catch {
    return 'document';
  }
}

function isRecordWrapper(v: object): boolean {
  return Object.entries(v).some(([k, x]) => RECORD_KEYS.has(k) && Array.isArray(x));
}

/** Stream the records of a JSON/JSONL file. Memory holds one record at a time, whatever the file size. */
export async function* readJsonRecords(path: string, opts: SourceOptions): AsyncGenerator<JsonRecord> {
  const layout = detectJsonLayout(await readHead(path));
  if (layout === 'lines') yield* readLines(path, opts);
  else yield* readDocument(path, opts, layout);
}

async function* readLines(path: string, opts: SourceOptions): AsyncGenerator<JsonRecord> {
  const rl = createInterface({ input: progressStream(path, opts), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const l of rl) {
    line++;
    if (l.trim() === '') continue;
    yield parseRecord(l, line);
  }
}

/**
 * A small scanner that finds the boundaries of the record values inside a JSON document without
 * parsing the whole document, so a multi-gigabyte `{"bugs":[...]}` streams like JSON Lines.
 */
async function* readDocument(
  path: string,
  opts: SourceOptions,
  layout: JsonLayout,
): AsyncGenerator<JsonRecord> {
  const file = displayName(path);
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  // depth of the array whose elements are records; -1 until found
  let recordDepth = layout === 'array' ? 1 : -1;
  let lastString = '';
  let stringStart = -1;
  let pendingKey: string | null = null;
  let buf = '';
  let recStart = -1;
  let recLine = 0;
  // a document with no record array is one record: keep it whole
  let whole = '';
  let sawRecordArray = layout === 'array';

  for await (const chunk of progressStream(path, opts)) {
    const base = buf.length;
    buf += chunk as string;
    if (!sawRecordArray) whole += chunk as string;
    for (let i = base; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c === 10) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) {
          inString = false;
          if (depth === 1 && stringStart >= 0) lastString = buf.slice(stringStart, i);
        }
        continue;
      }
      if (c === 34) {
        inString = true;
        stringStart = i + 1;
        if (recordDepth < 0 || depth !== recordDepth || recStart >= 0) continue;
      }
      if (c === 58 && depth === 1) {
        pendingKey = lastString;
        continue;
      }
      if (recordDepth >= 0 && depth === recordDepth && recStart < 0) {
        if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44) continue;
        if (c === 93) {
          // the record array closes
          depth--;
          recordDepth = layout === 'array' ? 1 : -1;
          continue;
        }
        recStart = i;
        recLine = line;
        if (c !== 123 && c !== 91) {
          // a bare value where a record should be: read to the next separator
          inString = false;
          let j = i;
          while (j < buf.length && buf[j] !== ',' && buf[j] !== ']') j++;
          const text = buf.slice(i, j).trim();
          yield { ok: false, line, reason: 'not an object: a record must be a JSON object', text };
          i = j - 1;
          recStart = -1;
          continue;
        }
      }
      if (c === 123 || c === 91) {
        depth++;
        if (c === 91 && depth === 2 && layout === 'document' && pendingKey && RECORD_KEYS.has(pendingKey)) {
          recordDepth = 2;
          sawRecordArray = true;
          whole = '';
        }
        if (depth === 1 && c === 123) pendingKey = null;
      } else if (c === 125 || c === 93) {
        depth--;
        if (depth === 1) pendingKey = null;
        if (recStart >= 0 && depth === recordDepth) {
          yield parseRecord(buf.slice(recStart, i + 1), recLine);
          recStart = -1;
        }
      }
    }
    // drop what is consumed, keep the record in progress
    if (recStart >= 0) {
      buf = buf.slice(recStart);
      stringStart -= recStart;
      recStart = 0;
    } else if (inString && stringStart >= 0) {
      // a key split across chunks: keep it so it can still be read whole
      buf = buf.slice(stringStart);
      stringStart = 0;
    } else {
      buf = '';
      stringStart = -1;
    }
  }
  if (depth !== 0 || inString) {
    yield { ok: false, line, reason: 'malformed JSON: the file ends inside a value (truncated?)', text: '' };
    return;
  }
  if (!sawRecordArray) {
    if (whole.trim() === '') throw new EightballError('unknown-format', `${file}: empty file`);
    const r = parseRecord(whole, 1);
    yield r.ok ? r : { ...r, text: whole.slice(0, 200) };
  }
}
