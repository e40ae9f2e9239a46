import { readFileSync } from 'node:fs';

/** Read from package.json, so `--version`, the README, the package and the User-Agent never disagree. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
