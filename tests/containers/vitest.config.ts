import { defineConfig } from 'vitest/config';

// `npm run test:containers`: builds the images once (global-setup.ts), then runs them. Kept out of
// the main `npm test` (its include matches only *.test.ts) because it needs a container engine and
// minutes of image builds. Files run one after the other: the machine is shared.
export default defineConfig({
  test: {
    root: new URL('../../', import.meta.url).pathname,
    include: ['tests/containers/**/*.containers.ts'],
    globalSetup: ['tests/containers/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
