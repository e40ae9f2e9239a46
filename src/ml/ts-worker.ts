import { Worker } from 'node:worker_threads';

/**
 * A worker thread running one of our TypeScript modules as the CLI does, through tsx, registered
 * before the module's import (a worker does not inherit the parent's loader hooks).
 */
export function typeScriptWorker(url: string, data?: unknown): Worker {
  // compiled (dist/): plain JavaScript needs no loader
  if (url.endsWith('.js')) return new Worker(new URL(url), { workerData: data });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `const wt = require('node:worker_threads');
const { tsx, url, data } = wt.workerData;
wt.workerData = data;
require('node:module').syncBuiltinESMExports();
import(tsx).then((m) => { m.register(); return import(url); });`;
  return new Worker(boot, { eval: true, workerData: { tsx, url, data } });
}

/**
 * A module beside `base` (an `import.meta.url`), in the same form as it: `name.ts` when running
 * the sources, `name.js` when running the build.
 */
export function siblingModule(base: string, name: string): string {
  return new URL(`./${name}${base.endsWith('.js') ? '.js' : '.ts'}`, base).href;
}
