import { readFileSync } from 'node:fs';

/** The API's version, from its package.json (the image's OCI version label uses the same). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
