import { Command, CommanderError } from 'commander';
import { ENV_VARS, threadsSetting } from '../config/config.ts';
import { isEightballError } from '../domain/index.ts';
import { configureParallelism } from '../triage/index.ts';
import { registerDb } from './commands/db.ts';
import { registerEvaluate } from './commands/evaluate.ts';
import { registerImport } from './commands/import.ts';
import { registerJobs } from './commands/jobs.ts';
import { registerModels } from './commands/models.ts';
import { registerServe } from './commands/serve.ts';
import { registerStats } from './commands/stats.ts';
import { registerUsers } from './commands/users.ts';
import { registerWorker } from './commands/worker.ts';
import { EXIT_FAILURE, EXIT_USAGE, exitCodeFor } from './exit-codes.ts';
import { VERSION } from './version.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('eightball')
    .description('Bug triage that learns from your tracker: what kind of report, and where it lives.')
    .version(VERSION, '-V, --version')
    .option(
      '--db <url>',
      'database: sqlite:PATH (default sqlite:./eightball.db), sqlite::memory: or postgres://USER@HOST/DB',
    )
    .option('--config <file>', 'a JSON file of settings (lowest precedence)')
    .option('-q, --quiet', 'no progress, no per-record messages: only the result')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addHelpText(
      'after',
      `
Settings come from flags, then environment variables, then --config FILE:
${Object.keys(ENV_VARS)
  .map((k) => `  ${k}`)
  .join('\n')}

Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted.

Examples:
  $ eightball import file ../shared/data/bugzilla/list-exports/Mozilla.csv
  $ eightball stats
  $ eightball train && eightball predict --summary "Crash when printing"
  $ eightball serve
  $ eightball import file ../shared/data/bugzilla/list-exports/Eclipse.csv --help`,
    );
  program.hook('preAction', (_root, action) => {
    const file = action.optsWithGlobals<{ config?: string }>().config;
    configureParallelism({ threads: threadsSetting(process.env, file) });
  });
  registerImport(program);
  registerStats(program);
  registerEvaluate(program);
  registerModels(program);
  registerServe(program);
  registerUsers(program);
  registerWorker(program);
  registerJobs(program);
  registerDb(program);
  // every subcommand reports usage errors the same way and exits 2 through the handler below
  const configure = (cmd: Command) => {
    cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
    for (const sub of cmd.commands) configure(sub);
  };
  for (const sub of program.commands) configure(sub);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return EXIT_USAGE;
    }
    if (isEightballError(e)) {
      process.stderr.write(`eightball: ${e.message}\n`);
      return exitCodeFor(e.code);
    }
    process.stderr.write(
      `eightball: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return EXIT_FAILURE;
  }
}
