/**
 * Two vitest projects: `unit` (tests next to the code in src/, ui/src/ and bench/, in process) and `e2e`
 * (the CLI in test/). `npm test` runs both; `npm run test:unit` / `npm run test:e2e` (or
 * `vitest run --project unit`) run one. Both share the settings below (`extends: true`).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A committed `.only` fails the run instead of silently narrowing it.
    allowOnly: false,
    // Missing ../shared data or dist/ fails the run (no test skips silently).
    globalSetup: ['test/require-fixtures.ts'],
    // Each test file fails if it has no tests or skipped any (test/no-skipped-tests.ts).
    setupFiles: ['test/no-skipped-tests.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'ui/src/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.test.ts'] },
      },
    ],
  },
});
