import { bliaXml } from './blia-xml.ts';
import { bugzillaJson } from './bugzilla-json.ts';
import { csv } from './csv.ts';
import type { DumpFormat } from './dump-format.ts';
import { githubJson } from './github-json.ts';
import { jiraJson } from './jira-json.ts';

export type { DumpFormat, DumpReadOptions, FileProbe } from './dump-format.ts';

/**
 * Every dump format, in the order they are asked whether a file is theirs. A new format is one
 * file in this folder plus its line here (and its test); the CLI's --format choices, detection and
 * reading all come from this list.
 */
export const DUMP_FORMATS: readonly DumpFormat[] = [bugzillaJson, githubJson, jiraJson, csv, bliaXml];

export function dumpFormat(name: string): DumpFormat | undefined {
  return DUMP_FORMATS.find((f) => f.name === name);
}
