export { VERSION } from '../domain/version.ts';
