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
  {
    // No silent skips: a test that may not run is not a test (test/no-skipped-tests.ts fails
    // such a file at run time too; vitest.config.ts refuses `.only`).
    files: ['test/**/*.ts', 'src/**/*.test.ts', 'bench/**/*.test.ts', 'src/**/*.contract.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression[object.name=/^(it|test|describe|suite|bench)$/][property.name=/^(skip|only|todo|skipIf|runIf)$/]',
          message: 'no skipped, todo or focused tests: make it run, or delete it',
        },
        {
          selector:
            'CallExpression[callee.property.name="skip"][callee.object.name=/^(ctx|context|t)$/]',
          message: 'no skipped tests: make it run, or delete it',
        },
      ],
    },
  },
);
