import { Worker } from 'node:worker_threads';

/**
 * A worker thread running one of our TypeScript modules as the CLI does, through tsx, registered
 * before the module's import (a worker does not inherit the parent's loader hooks).
 */
export function typeScriptWorker(url: string): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((m) => { m.register(); return import(workerData.url); });`;
  return new Worker(boot, { eval: true, workerData: { tsx, url } });
}
