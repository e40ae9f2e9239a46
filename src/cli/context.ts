import type { Command } from 'commander';
import { type Config, loadConfig, threadsSetting } from '../config/config.ts';
import { openStore, type Store } from '../store/index.ts';

export interface GlobalOptions {
  db?: string;
  config?: string;
  quiet?: boolean;
}

/** The validated configuration, from the root command's global flags, the environment and a file. */
export function configFrom(cmd: Command, extra: Partial<Record<keyof Config, unknown>> = {}): Config {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return loadConfig({ flags: { databaseUrl: g.db, ...extra }, file: g.config });
}

/** Threads a fit may use: EIGHTBALL_THREADS, else the config file's `threads`, else every core. */
export function threadsFor(cmd: Command): number {
  return threadsSetting(process.env, cmd.optsWithGlobals<GlobalOptions>().config);
}

export async function withStore<T>(
  cmd: Command,
  fn: (store: Store, config: Config) => Promise<T>,
): Promise<T> {
  const config = configFrom(cmd);
  const store = await openStore(config.databaseUrl);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

/**
 * Ctrl-C asks the running operation to stop at the next safe point (after the batch in hand is
 * committed); a second Ctrl-C exits at once.
 */
export function interruptSignal(onFirst: () => void): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const handler = () => {
    if (ac.signal.aborted) process.exit(130);
    onFirst();
    ac.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export function isQuiet(cmd: Command): boolean {
  return cmd.optsWithGlobals<GlobalOptions>().quiet === true;
}

/**
 * Resolves at the first SIGTERM or SIGINT: the long-running commands (serve, worker) then drain.
 * Call it before announcing readiness, so a stop sent at once is not missed.
 */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
