import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CACHE_DIR = fileURLToPath(new URL('../', import.meta.url));
export const POLICY_VCL = fileURLToPath(new URL('../default.vcl', import.meta.url));
export const API_SERVER = fileURLToPath(new URL('../../api/src/server.ts', import.meta.url));
export const SAMPLE_DATA_CLI = fileURLToPath(new URL('../../api/src/sample-data/cli.ts', import.meta.url));
