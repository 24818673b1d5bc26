import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Missing ../shared data or dist/ fails the run (no test skips silently).
    globalSetup: ['test/require-fixtures.ts'],
  },
});
