import { defineConfig } from 'vitest/config';

// One runner for every workspace. Integration tests start real processes (API, varnishd,
// Chromium) on free ports, so files run in parallel but each file keeps its own servers.
export default defineConfig({
  test: {
    include: ['**/test/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'tests/resilience/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
