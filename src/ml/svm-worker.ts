// A worker thread of the SVM pool: solves binary problems of whatever fit the main thread shares.
import { parentPort } from 'node:worker_threads';
import { type SharedFit, solveClaimed } from './svm-pool.ts';

parentPort?.on('message', (fit: SharedFit) => {
  solveClaimed(fit, 3);
});
