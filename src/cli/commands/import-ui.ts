/** What every `import` subcommand shares: rejects printed, progress, Ctrl-C, the summary line. */
import type { Command } from 'commander';
import { EightballError, formatRecordError, type RecordError } from '../../domain/index.ts';
import type { ImportSummary, IngestProgress } from '../../jobs/ingest.ts';
import { interruptSignal } from '../context.ts';
import { EXIT_FAILURE, EXIT_INTERRUPTED } from '../exit-codes.ts';
import { createProgress } from '../progress.ts';

/** How many rejected records are printed before the rest are only counted. */
export const SHOWN_REJECTS = 20;

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new EightballError('usage', `${name}: "${v}" is not a positive whole number`);
    return n;
  };
}

export function rejectPrinter(quiet: boolean) {
  let shown = 0;
  return {
    onRejected(e: RecordError) {
      shown++;
      if (!quiet && shown <= SHOWN_REJECTS) process.stderr.write(`rejected ${formatRecordError(e)}\n`);
    },
    get count() {
      return shown;
    },
  };
}

/** The progress bar and the Ctrl-C handling every import command shares. */
export function importUi(quiet: boolean) {
  return {
    bar: createProgress('importing', !quiet && process.stderr.isTTY === true),
    intr: interruptSignal(() =>
      process.stderr.write('\nstopping after the current batch (Ctrl-C again to quit now)\n'),
    ),
  };
}

export function printSummary(
  s: ImportSummary,
  extra: string[],
  opts: { json?: boolean; rejects?: string },
): void {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...s, extra })}\n`);
    return;
  }
  if (s.rejected > SHOWN_REJECTS) {
    process.stderr.write(
      `... ${s.rejected - SHOWN_REJECTS} more rejected${opts.rejects ? `; all are in ${opts.rejects}` : '; --rejects FILE writes them all'}\n`,
    );
  }
  for (const line of extra) process.stderr.write(`${line}\n`);
  if (s.message) process.stderr.write(`${s.message}\n`);
  process.stdout.write(
    `${s.status === 'completed' ? '' : `${s.status}: `}imported ${s.imported}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected} (source ${s.source}, run #${s.runId})\n`,
  );
}

export function exitCodeOf(s: ImportSummary): number {
  if (s.status === 'interrupted') return EXIT_INTERRUPTED;
  if (s.status === 'failed') return EXIT_FAILURE;
  return 0;
}

export function progressDetail(p: IngestProgress): string {
  return `${p.records} read, ${p.imported} new, ${p.updated} updated, ${p.rejected} rejected`;
}

/** What an import command's sync gets from its shell: Ctrl-C, rejects printed, the progress bar. */
export interface ImportHooks {
  signal: AbortSignal;
  onRejected: (e: RecordError) => void;
  onProgress: (p: IngestProgress) => void;
  quiet: boolean;
}

/**
 * The shell every live-tracker import shares: run the sync with Ctrl-C, rejects and a progress
 * bar wired, print the summary (and the lines `extra` says), and set the exit code.
 */
export async function runImport<S extends ImportSummary>(
  quiet: boolean,
  opts: { json?: boolean; rejects?: string },
  sync: (hooks: ImportHooks) => Promise<S>,
  extra: (s: S) => string[],
): Promise<void> {
  const rejects = rejectPrinter(quiet);
  const { bar, intr } = importUi(quiet);
  try {
    const summary = await sync({
      signal: intr.signal,
      onRejected: (e) => rejects.onRejected(e),
      onProgress: (p) => bar.update(p.records, undefined, progressDetail(p)),
      quiet,
    });
    bar.stop();
    printSummary(summary, extra(summary), opts);
    process.exitCode = exitCodeOf(summary);
  } finally {
    bar.stop();
    intr.dispose();
  }
}

/** A retry line for the log, unless quiet. */
export function retryPrinter(quiet: boolean) {
  return (e: { url: string; delayMs: number; attempt: number; reason: string }) => {
    if (!quiet)
      process.stderr.write(
        `retrying ${e.url} in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt}: ${e.reason.slice(0, 80)})\n`,
      );
  };
}

/** The options every live-tracker import has: where to start, what to call it, how much, rejects. */
export function trackerImportOptions(
  cmd: Command,
  o: { things: string; defaultSource: string; pageSize: string },
): Command {
  return cmd
    .option(
      '--since <date>',
      `only ${o.things} changed on or after this date (default: where the last run stopped)`,
    )
    .option('-s, --source <name>', `the source name (default: ${o.defaultSource})`)
    .option('--page-size <n>', o.pageSize, positiveInt('--page-size'), 100)
    .option('--limit <n>', `stop after this many ${o.things} (a trial run)`, positiveInt('--limit'))
    .option('-r, --rejects <file>', 'write every rejected record to this file (JSON lines)')
    .option('--strict', 'import nothing if any record is rejected (one transaction)')
    .option('--json', 'print the summary as one JSON object');
}
