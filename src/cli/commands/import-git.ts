import type { Command } from 'commander';
import { EightballError } from '../../domain/index.ts';
import { importGit } from '../../jobs/import-git.ts';
import { isQuiet, withStore } from '../context.ts';
import { createProgress } from '../progress.ts';
import { collect } from './import-ui.ts';

/** warnings printed one by one before the rest are only counted */
const SHOWN_WARNINGS = 5;

export function registerImportGit(imp: Command): void {
  imp
    .command('git')
    .description(
      "link a git repository's history to the stored reports: each commit, its files, the reports it fixed",
    )
    .requiredOption('--repo <path>', 'a local clone: a work tree, a bare repository or a .git directory')
    .option('--branch <name>', 'the branch whose history is read', 'HEAD')
    .option(
      '--link <pattern>',
      "another way commit messages name reports: a regular expression whose first group is the report's id (repeat for several)",
      collect,
      [],
    )
    .option(
      '--max-files <n>',
      'skip commits touching more files than this (reformatting, vendored drops)',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0)
          throw new EightballError('usage', `--max-files: "${v}" is not a positive whole number`);
        return n;
      },
      100,
    )
    .option('--name <name>', "what the repository is stored as (default: its folder's name)")
    .option('-s, --source <name>', 'link only to reports of this source')
    .option(
      '--web-url <template>',
      "the repository's web view of a file, linked from the files task's answers: {rev} and {path} are filled in, e.g. https://github.com/OWNER/REPO/blob/{rev}/{path}",
    )
    .option('--json', 'print the summary as one JSON object')
    .addHelpText(
      'after',
      `
Every commit is read once: the next run reads only the commits after the last one read, and
running it again changes nothing. Merge commits and commits over --max-files are skipped and
counted. Commit messages are matched against the default patterns (Bugzilla "Bug 123",
"Fix for 123", show_bug.cgi?id=123; Jira keys HIVE-123; GitHub #123 and "fixes #123") and
every --link PATTERN; a report's page then lists its fixing commits and their files.
The repository is then the files task's: eightball train --task files learns which source files
fixes touch, and the report pages and /api/v1/classify rank them (the server reads the clone
where it is: keep it fresh with git pull and another import git).

Examples:
  $ eightball import git --repo ~/src/hive
  $ eightball import git --repo ~/src/aspectj.git --link '^(\\d{5,6}):' --link '\\bpr(\\d{5,6})\\b'`,
    )
    .action(async (o, cmd: Command) => {
      const quiet = isQuiet(cmd) || o.json === true;
      const bar = createProgress('reading commits', !quiet && process.stderr.isTTY === true);
      let warnings = 0;
      try {
        const s = await withStore(cmd, (store) =>
          importGit(store, {
            repo: o.repo,
            branch: o.branch,
            links: o.link,
            maxFiles: o.maxFiles,
            ...(o.name ? { name: o.name } : {}),
            ...(o.source ? { source: o.source } : {}),
            ...(o.webUrl ? { webUrl: o.webUrl } : {}),
            onProgress: (p) => bar.update(p.commits, undefined, `${p.commits} commits`),
            onWarning: (m) => {
              warnings++;
              if (!quiet && warnings <= SHOWN_WARNINGS) process.stderr.write(`warning: ${m}\n`);
            },
          }),
        );
        bar.stop();
        if (!quiet && warnings > SHOWN_WARNINGS)
          process.stderr.write(`... and ${warnings - SHOWN_WARNINGS} more warnings\n`);
        if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
        else
          process.stdout.write(
            `${s.repo}: read ${s.read} commits, stored ${s.stored}, linked ${s.linked} to reports (skipped ${s.skippedMerges} merges and ${s.skippedLarge} over ${o.maxFiles} files; ${s.unmatched} named no stored report)${s.checkpoint ? `; next run starts after ${s.checkpoint.slice(0, 12)}` : ''}\n`,
          );
      } finally {
        bar.stop();
      }
    });
}
