export * from './category.ts';
export * from './component.ts';
export * from './label-map.ts';
export * from './label-reading.ts';
export * from './registry.ts';
export * from './settings.ts';
export * from './task.ts';
export * from './team-task.ts';
