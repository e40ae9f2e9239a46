import type { Command } from 'commander';
import { openStore } from '../../store/index.ts';
import { ensureFirstAdmin, Predictor } from '../../triage/index.ts';
import { buildApp } from '../../web/app.ts';
import { configFrom } from '../context.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the web app and the JSON API (pages, /api/v1, /healthz)')
    .option('--host <host>', 'address to listen on (EIGHTBALL_HOST; default 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (EIGHTBALL_PORT; default 8080)')
    .addHelpText(
      'after',
      `
On an empty database the first start creates the user "admin" and prints its one-time password
once; the first login must change it. SIGTERM or Ctrl-C stops taking requests, finishes the ones in
hand and exits 0.

Examples:
  $ eightball serve
  $ EIGHTBALL_DATABASE_URL=postgres://eightball@db/eightball eightball serve --host 0.0.0.0 --port 80`,
    )
    .action(async (o, cmd: Command) => {
      const config = configFrom(cmd, { host: o.host, port: o.port });
      const store = await openStore(config.databaseUrl);
      const first = await ensureFirstAdmin(store);
      if (first) {
        process.stderr.write(
          `eightball: created user "${first.username}" with the one-time password\n\n    ${first.password}\n\nLog in and choose your own; it is not shown again.\n`,
        );
      }
      const predictor = new Predictor(store);
      const app = await buildApp({
        store,
        predictor,
        classifyRateLimit: config.classifyRateLimit,
        logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
      });
      // load the active models before the first request, so it is not the slow one
      await predictor.refresh(true);
      const address = await app.listen({ host: config.host, port: config.port });
      process.stderr.write(`eightball: serving ${store.displayUrl} on ${address}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          process.stderr.write('eightball: stopping: finishing requests in hand\n');
          resolve();
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      await app.close();
      await store.close();
    });
}
