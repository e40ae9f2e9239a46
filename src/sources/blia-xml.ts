import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EightballError } from '../domain/index.ts';
import { displayName } from './file-reading.ts';
import { buildReport } from './report-fields.ts';
import type { SourceItem, SourceOptions } from './source-item.ts';
import { findBadUtf8 } from './utf8-check.ts';

/**
 * BugLocator/BLIA benchmark repositories: `<bugrepository><bug id opendate fixdate>` with the
 * summary, description and the files the fix changed. These files are a few megabytes, so they
 * are parsed whole rather than streamed.
 */
export async function* readBliaXml(
  path: string,
  opts: SourceOptions & { source: string },
): AsyncGenerator<SourceItem> {
  const file = displayName(path);
  const bytes = await readFile(path);
  const head = bytes.toString('latin1');
  const encoding = /encoding="(utf-?8)"/i.test(head.slice(0, 200)) ? 'utf8' : 'latin1';
  if (encoding === 'utf8' && !isUtf8(bytes)) {
    for (const b of findBadUtf8(bytes).bad)
      opts.onWarning?.({
        file,
        line: b.line,
        message: `text: byte 0x${bytes[b.offset]!.toString(16).padStart(2, '0')} is not UTF-8; read as U+FFFD`,
      });
  }
  const xml = encoding === 'utf8' ? bytes.toString('utf8') : head;
  // the parser forgives an element left open; an import must not
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new EightballError(
      'unknown-format',
      `${file}:${valid.err.line}: not well-formed XML: ${valid.err.msg}`,
    );
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => ['bug', 'file', 'commit', 'comment'].includes(name),
    processEntities: true,
    htmlEntities: true,
  });
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (e) {
    throw new EightballError('unknown-format', `${file}: not well-formed XML: ${(e as Error).message}`);
  }
  const repo = doc.bugrepository as Record<string, unknown> | undefined;
  if (!repo) throw new EightballError('unknown-format', `${file}: no <bugrepository> element`);
  const product = typeof repo['@name'] === 'string' ? repo['@name'] : null;
  const bugs = (repo.bug as Record<string, unknown>[] | undefined) ?? [];
  // line numbers: the n-th `<bug ` opening tag
  const lines: number[] = [];
  let line = 1;
  for (let i = 0; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 60 && xml.startsWith('<bug ', i)) lines.push(line);
  }
  let n = 0;
  for (const bug of bugs) {
    const info = (bug.buginformation ?? {}) as Record<string, unknown>;
    const files: string[] = [];
    const fixed = bug.fixedFiles as { file?: unknown[] } | undefined;
    for (const f of fixed?.file ?? []) if (typeof f === 'string') files.push(f);
    const commits = (bug.fixedCommits as { commit?: Record<string, unknown>[] } | undefined)?.commit ?? [];
    for (const c of commits) {
      for (const f of (c.file as Record<string, unknown>[] | undefined) ?? []) {
        if (typeof f['@name'] === 'string' && !files.includes(f['@name'])) files.push(f['@name']);
      }
    }
    const built = buildReport(
      {
        externalId: bug['@id'],
        summary: info.summary,
        description: info.description ?? '',
        product,
        createdAt: bug['@opendate'],
        // when it was fixed: what file localisation counts as the fix's time (history before it)
        ...(bug['@fixdate'] ? { updatedAt: bug['@fixdate'] } : {}),
        resolution: bug['@fixdate'] ? 'FIXED' : null,
        labels: { files: files.join(' '), commit: commits.map((c) => String(c['@id'] ?? '')).join(' ') },
      },
      { file, line: lines[n] ?? 0, source: opts.source, raw: bug },
    );
    n++;
    opts.onProgress?.({ records: n, recordsTotal: bugs.length });
    if ('location' in built) yield { kind: 'error', error: built };
    else yield { kind: 'report', report: built, line: lines[n - 1] ?? 0 };
  }
}
