import { Command, CommanderError } from 'commander';
import { ENV_VARS, threadsSetting } from '../config/config.ts';
import { isEightballError } from '../domain/index.ts';
import { EXIT_FAILURE, EXIT_USAGE, exitCodeFor } from './exit-codes.ts';
import { VERSION } from './version.ts';

type Register = (program: Command) => void;

/**
 * Which module registers each top-level command. A call loads only its command's module (the
 * server, the queue and the learning core are most of the start-up time); `--help`, a mistyped
 * command and `help X` load them all.
 */
const COMMAND_MODULES: Record<string, () => Promise<Register>> = {
  import: async () => (await import('./commands/import.ts')).registerImport,
  stats: async () => (await import('./commands/stats.ts')).registerStats,
  evaluate: async () => (await import('./commands/evaluate.ts')).registerEvaluate,
  train: async () => (await import('./commands/models.ts')).registerModels,
  models: async () => (await import('./commands/models.ts')).registerModels,
  activate: async () => (await import('./commands/models.ts')).registerModels,
  rollback: async () => (await import('./commands/models.ts')).registerModels,
  predict: async () => (await import('./commands/models.ts')).registerModels,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  users: async () => (await import('./commands/users.ts')).registerUsers,
  tokens: async () => (await import('./commands/users.ts')).registerUsers,
  worker: async () => (await import('./commands/worker.ts')).registerWorker,
  jobs: async () => (await import('./commands/jobs.ts')).registerJobs,
  db: async () => (await import('./commands/db.ts')).registerDb,
  tasks: async () => (await import('./commands/tasks.ts')).registerTasks,
  writeback: async () => (await import('./commands/writeback.ts')).registerWriteback,
};

/** Global options that take a value: skipped when looking for the command's name. */
const VALUED_GLOBALS = new Set(['--db', '--config']);

/** The top-level command a command line names, or null (`--version`, `--help`, nothing). */
export function commandOf(args: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUED_GLOBALS.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return null;
}

/** The register functions a command line needs, in the order the help lists them. */
async function registrationsFor(args: string[]): Promise<Register[]> {
  const name = commandOf(args);
  if (name === null && args.length > 0 && args.every((a) => a === '-V' || a === '--version')) return [];
  const loaders = name && COMMAND_MODULES[name] ? [COMMAND_MODULES[name]] : Object.values(COMMAND_MODULES);
  return [...new Set(await Promise.all(loaders.map((load) => load())))];
}

export function buildProgram(registrations: Register[]): Command {
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
  // a bad EIGHTBALL_THREADS is a usage error of any command, before it starts its work
  program.hook('preAction', async (_root, action) => {
    threadsSetting(process.env, action.optsWithGlobals<{ config?: string }>().config);
  });
  for (const register of registrations) register(program);
  // every subcommand reports usage errors the same way and exits 2 through the handler below
  const configure = (cmd: Command) => {
    cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
    for (const sub of cmd.commands) configure(sub);
  };
  for (const sub of program.commands) configure(sub);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(await registrationsFor(argv.slice(2)));
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
