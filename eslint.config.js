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
    // The environment and the current folder are read only by the process entry (src/cli/bin.ts),
    // which hands them to main({env, cwd}); everything below takes them as parameters, so an
    // in-process run (tests, a server) never depends on the host process's.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/bin.ts', 'src/**/*.test.ts', 'src/**/*.contract.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'only src/cli/bin.ts reads the environment: take it as a parameter',
        },
        {
          object: 'process',
          property: 'cwd',
          message: 'only src/cli/bin.ts reads the current folder: take it as a parameter',
        },
        {
          object: 'process',
          property: 'chdir',
          message: "the current folder is the process entry's: take a folder as a parameter",
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: ['process', 'node:process'].map((name) => ({
            name,
            importNames: ['env', 'cwd', 'chdir', 'default'],
            message: 'only src/cli/bin.ts reads the environment and the current folder',
          })),
        },
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
