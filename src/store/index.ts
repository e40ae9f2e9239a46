export * from './database.ts';
export * from './import-run-repository.ts';
export * from './migrate.ts';
export * from './report-repository.ts';
export * from './report-rows.ts';
export type * from './schema.ts';
export * from './stats-queries.ts';
