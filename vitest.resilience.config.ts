import { defineConfig } from 'vitest/config';

// `npm run test:resilience`: the production topology on this machine (several API processes behind
// varnishd) under load and scripted faults. Files run one after another: each loads the whole machine.
export default defineConfig({
  test: {
    include: ['tests/resilience/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
