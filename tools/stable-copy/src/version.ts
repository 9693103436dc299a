import { readFileSync } from 'node:fs';

/** The tool's version (package.json), recorded in the provenance of every copy. */
export const toolVersion: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
