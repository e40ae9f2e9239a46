import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EightballError } from '../../domain/index.ts';
import { evaluateFiles, type FilesEvaluation, type RevisionRule } from '../../localization/evaluate-files.ts';
import { filesHtml, filesJson } from '../../localization/files-report.ts';
import { parseColumnMap } from '../../sources/csv-source.ts';
import type { FileFormat } from '../../sources/file-source.ts';
import { readFixedFiles } from '../../sources/fixed-files.ts';
import { isShallow, openGitRepo } from '../../sources/git/git-command.ts';
import { labelJoiner } from '../../sources/labels-file.ts';
import { loadReports } from '../../sources/load-reports.ts';
import { isQuiet } from '../context.ts';
import { createProgress } from '../progress.ts';

const f3 = (v: number) => v.toFixed(3);

function printText(e: FilesEvaluation): void {
  process.stdout.write(
    [
      `files: ${e.nTest} test reports ranked (${e.nSkipped} left out: ${e.mode === 'source' ? `none of their fixed files exist at the ${e.revision} revision` : 'no earlier fix touched any of their files'}), learnt from ${e.nTrain} earlier ones`,
      `candidates: ${e.mode === 'source' ? `the source at each revision (median ${e.filesPerRevision} files; ${e.filesIndexed} file versions indexed)` : 'the files earlier fixes touched (history only: no --repo)'}`,
      `top-1 ${f3(e.top1)}  top-5 ${f3(e.top5)}  top-10 ${f3(e.top10)}  MAP ${f3(e.map)}  MRR ${f3(e.mrr)}`,
      `learning ${e.fitSeconds.toFixed(1)} s; one ranking ${e.rankMsP50.toFixed(1)} ms (p99 ${e.rankMsP99.toFixed(1)} ms)`,
      '',
    ].join('\n'),
  );
}

/** `evaluate --task files`: the options the command was given, already checked by commander. */
export async function runFilesEvaluation(o: Record<string, unknown>, cmd: Command): Promise<void> {
  if (o.split !== 'time')
    throw EightballError.about(
      'split',
      'usage',
      '--task files evaluates on the time split only (the newest 25% by filing time)',
    );
  const revision = (o.revision ?? 'before-fix') as RevisionRule;
  const quiet = isQuiet(cmd) || o.json === true;
  const repo = typeof o.repo === 'string' ? openGitRepo(o.repo) : undefined;
  if (repo && isShallow(repo) && !quiet)
    process.stderr.write(
      `warning: ${o.repo} is a shallow clone: its history is cut, so older fixes cannot be ranked\n`,
    );
  if (!repo && revision === 'filed')
    throw EightballError.about(
      'revision',
      'usage',
      '--revision filed needs --repo GITDIR (the source at the time of filing)',
    );
  const { reports, rejected } = await loadReports(String(o.input), {
    format: o.format as FileFormat,
    map: parseColumnMap(o.map as string | undefined),
    keepRaw: true,
  });
  if (!quiet && rejected.length > 0)
    process.stderr.write(`${o.input}: ${rejected.length} record(s) rejected and left out\n`);
  if (typeof o.fixedFiles === 'string') {
    const { join, matched } = labelJoiner(readFixedFiles(o.fixedFiles));
    for (const r of reports) join(r);
    if (matched.size === 0)
      throw EightballError.about(
        'fixed-files',
        'usage',
        `${o.fixedFiles}: none of its report ids is in ${o.input} (ids are matched exactly, e.g. HIVE-10)`,
      );
    if (!quiet) process.stderr.write(`${o.fixedFiles}: fixed files for ${matched.size} of the reports\n`);
  }
  const bar = createProgress('ranking', !quiet && process.stderr.isTTY === true);
  let result: FilesEvaluation;
  try {
    result = await evaluateFiles(reports, {
      ...(repo ? { repo } : {}),
      revision,
      ...(typeof o.branch === 'string' ? { branch: o.branch } : {}),
      seed: Number(o.seed ?? 1),
      onProgress: (what, done, total) => bar.update(done, total, what),
    });
  } finally {
    bar.stop();
  }
  if (o.json) process.stdout.write(`${JSON.stringify(filesJson(result))}\n`);
  else printText(result);
  if (typeof o.html === 'string') {
    writeFileSync(o.html, await filesHtml(result, `eightball evaluation: files on ${o.input}`));
    if (!quiet) process.stderr.write(`wrote ${o.html}\n`);
  }
}
