import { fileURLToPath } from 'node:url';

export const SRC_DIR = fileURLToPath(new URL('../src/', import.meta.url));
export const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
