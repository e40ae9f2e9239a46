// how many threads fitting may use is the process's to decide (the CLI reads EIGHTBALL_THREADS)
export { configureParallelism } from '../ml/index.ts';
export * from './accounts.ts';
export * from './activation.ts';
export * from './dataset.ts';
export * from './evaluate-reports.ts';
export * from './evaluation-report.ts';
export * from './explain.ts';
export * from './label-sources.ts';
export * from './models.ts';
export * from './predictor.ts';
export * from './report-input.ts';
export * from './reports.ts';
export * from './sentence-encoder.ts';
export * from './stored-metrics.ts';
export * from './tasks/index.ts';
export * from './training.ts';
export * from './version-comparison.ts';
