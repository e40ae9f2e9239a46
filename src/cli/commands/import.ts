import { type Command, Option } from 'commander';
import { importBugzilla } from '../../jobs/import-bugzilla.ts';
import { importFile } from '../../jobs/import-file.ts';
import { parseColumnMap } from '../../sources/csv-source.ts';
import { FILE_FORMATS, type FileFormat } from '../../sources/file-source.ts';
import { DUMP_FORMATS } from '../../sources/formats/index.ts';
import { configFrom, isQuiet, withStore } from '../context.ts';
import { formatBytes } from '../progress.ts';
import { registerImportGit } from './import-git.ts';
import { registerImportTrackers } from './import-trackers.ts';
import {
  collect,
  exitCodeOf,
  importUi,
  positiveInt,
  printSummary,
  progressDetail,
  rejectPrinter,
  retryPrinter,
  runImport,
} from './import-ui.ts';

export function registerImport(program: Command): void {
  const imp = program
    .command('import')
    .description(
      "bring bug reports into the database, from a dump file, a Bugzilla, GitHub or Jira, and link a git repository's fixes",
    )
    .addHelpText(
      'after',
      `
Importing is idempotent: reports are keyed by (source, id); importing the same data twice
changes nothing, and a newer version of a report (by its update time) replaces the stored one.
An interrupted import (Ctrl-C, a crash) resumes where it stopped when run again.

Examples:
  $ eightball import file ../shared/data/bugzilla/list-exports/Mozilla.csv
  $ eightball import bugzilla --url https://bugzilla.mozilla.org --product Firefox --since 2024-01-01
  $ eightball import github --repo webcompat/web-bugs
  $ eightball import jira --url https://issues.apache.org/jira --project HDFS
  $ eightball import git --repo ~/src/firefox`,
    );
  registerImportGit(imp);
  registerImportTrackers(imp);

  imp
    .command('file')
    .description('import a dump: Bugzilla REST JSON, Bugzilla CSV, GitHub or Jira JSON, any CSV with --map')
    .argument('<path>', 'the file to import')
    .addOption(
      new Option('-f, --format <format>', 'the file format; auto recognises it from its content')
        .choices([...FILE_FORMATS])
        .default('auto'),
    )
    .addHelpText(
      'after',
      `\nFormats (recognised from the content unless --format names one):\n${DUMP_FORMATS.map((f) => `  ${f.name.padEnd(14)} ${f.description}`).join('\n')}`,
    )
    .option(
      '-m, --map <field=column,...>',
      'CSV only: which column feeds which field (fields: summary, description, product, component, type, severity, priority, platform, opSys, version, keywords, status, resolution, reporter, assignee, createdAt, updatedAt, externalId, or labels.NAME)',
    )
    .option(
      '-l, --labels <file>',
      "a CSV of id,label... whose label columns are joined into the reports' labels",
    )
    .option(
      '-s, --source <name>',
      'the source name the reports are stored under (default: from the format and file name)',
    )
    .option(
      '--base-url <url>',
      "a Bugzilla dump's Bugzilla, e.g. https://bugzilla.mozilla.org: each bug then links to its page there",
    )
    .option(
      '-r, --rejects <file>',
      'write every rejected record to this file (JSON lines: where, field, reason, original text)',
    )
    .option('--strict', 'import nothing if any record is rejected (one transaction)')
    .option('--restart', 'start from the first record even if an earlier run of this file was interrupted')
    .option('--batch-size <n>', 'reports written per transaction', positiveInt('--batch-size'), 500)
    .option('--json', 'print the summary as one JSON object')
    .addHelpText(
      'after',
      `
A bad record is reported as FILE:LINE (ID): FIELD: REASON and skipped; the good ones are imported.
Exit codes: 0 done (even with rejected records), 1 failed or --strict with rejects, 2 usage,
130 interrupted (run again to resume).

Examples:
  $ eightball import file ../shared/data/bugzilla/mozilla/bugs-2009-2018.jsonl \\
      --labels ../shared/data/bugzilla/mozilla/labels-regression-bug-nobug.csv
  $ eightball import file ../shared/data/bugzilla/list-exports/Eclipse.csv --source eclipse
  $ eightball import file issues.csv --map summary=IssueTitle,description=Description,component=ComponentName
  $ eightball import file export.csv --strict --rejects rejected.jsonl`,
    )
    .action(async (path: string, o, cmd: Command) => {
      const quiet = isQuiet(cmd);
      const map = parseColumnMap(o.map);
      const rejects = rejectPrinter(quiet);
      const warnings: string[] = [];
      const { bar, intr } = importUi(quiet);
      try {
        const summary = await withStore(cmd, (store) =>
          importFile(store, {
            path,
            format: o.format as FileFormat,
            map,
            labelsPath: o.labels,
            source: o.source,
            baseUrl: o.baseUrl,
            strict: o.strict,
            restart: o.restart,
            rejectsPath: o.rejects,
            batchSize: o.batchSize,
            signal: intr.signal,
            onRejected: (e) => rejects.onRejected(e),
            onWarning: (w) => {
              const line = `warning: ${w.file}:${w.line}${w.id ? ` (${w.id})` : ''}: ${w.message}`;
              warnings.push(line);
              if (!quiet) process.stderr.write(`${line}\n`);
            },
            onProgress: (p) =>
              bar.update(
                p.bytesRead ?? p.records,
                p.bytesTotal,
                `${progressDetail(p)}${p.bytesRead !== undefined ? `, ${formatBytes(p.bytesRead)}` : ''}`,
              ),
          }),
        );
        bar.stop();
        const extra: string[] = [];
        if (summary.resumedFrom > 0)
          extra.push(`resumed after record ${summary.resumedFrom} of an interrupted run`);
        if (summary.unmatchedLabels > 0)
          extra.push(`labels: ${summary.unmatchedLabels} id(s) in ${o.labels} matched no report`);
        printSummary(summary, extra, { json: o.json, rejects: o.rejects });
        process.exitCode = exitCodeOf(summary);
      } finally {
        bar.stop();
        intr.dispose();
      }
    });

  imp
    .command('bugzilla')
    .description('import (and later sync) bugs from a Bugzilla REST API, with descriptions and history')
    .requiredOption('-u, --url <url>', "the Bugzilla's base URL, e.g. https://bugzilla.mozilla.org")
    .option('-p, --product <name>', 'only this product (repeat for several)', collect, [])
    .option('-c, --component <name>', 'only this component (repeat for several)', collect, [])
    .option('--since <date>', 'only bugs changed on or after this date (default: where the last run stopped)')
    .option(
      '--api-key <key>',
      'a Bugzilla API key (better: EIGHTBALL_BUGZILLA_API_KEY, which stays out of shell history)',
    )
    .option('-s, --source <name>', 'the source name (default: bugzilla:HOST)')
    .option('--page-size <n>', 'bugs per /rest/bug request', positiveInt('--page-size'), 100)
    .option(
      '--concurrency <n>',
      'comment/history requests in flight at once',
      positiveInt('--concurrency'),
      4,
    )
    .option('--limit <n>', 'stop after this many bugs (a trial run)', positiveInt('--limit'))
    .option('-r, --rejects <file>', 'write every rejected record to this file (JSON lines)')
    .option('--strict', 'import nothing if any record is rejected (one transaction)')
    .option('--json', 'print the summary as one JSON object')
    .addHelpText(
      'after',
      `
Pages through /rest/bug (oldest change first), fetches each bug's first comment (the description)
and its history (to know the product, component, severity, type and priority as filed), retries
429 and 5xx responses with backoff (honouring Retry-After), and records a checkpoint (the newest
last_change_time stored) so the next run fetches only what changed since.

Examples:
  $ eightball import bugzilla --url https://bugzilla.mozilla.org --product Firefox --component Toolbars --since 2025-01-01
  $ EIGHTBALL_BUGZILLA_API_KEY=... eightball import bugzilla --url https://bugzilla.example.org -p Core -p Toolkit`,
    )
    .action(async (o, cmd: Command) => {
      const quiet = isQuiet(cmd);
      const config = configFrom(cmd, { bugzillaApiKey: o.apiKey });
      await runImport(
        quiet,
        o,
        (hooks) =>
          withStore(cmd, (store) =>
            importBugzilla(store, {
              ...hooks,
              url: o.url,
              products: o.product,
              components: o.component,
              since: o.since,
              apiKey: config.bugzillaApiKey,
              source: o.source,
              pageSize: o.pageSize,
              concurrency: o.concurrency,
              limit: o.limit,
              strict: o.strict,
              rejectsPath: o.rejects,
              onRetry: retryPrinter(quiet),
            }),
          ),
        (summary) => [
          summary.since ? `fetched bugs changed since ${summary.since}` : 'fetched all matching bugs',
          ...(summary.checkpoint ? [`next run starts from ${summary.checkpoint}`] : []),
        ],
      );
    });
}
