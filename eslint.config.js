// Lint rules: typescript-eslint's recommended set; formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // A synchronous child process that outlasts vitest's 60 s worker RPC timeout makes `npm test`
    // exit 1 with every test passing ("Timeout calling onTaskUpdate"): tests spawn asynchronously.
    files: ['test/**/*.ts', 'src/**/*.test.ts', 'bench/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'node:child_process',
              importNames: ['spawnSync', 'execSync', 'execFileSync'],
              message: 'blocks the test worker: use spawn (test/e2e/helpers.ts `verso`)',
            },
          ],
        },
      ],
    },
  },
  {
    // The end-to-end helpers are asynchronous: a forgotten `await` would race the next step.
    files: ['test/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
