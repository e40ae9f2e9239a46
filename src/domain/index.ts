export * from './bug-report.ts';
export * from './errors.ts';
