/**
 * vitest global setup: the tests need the shared real data (`../shared/data/real`, beside the
 * repository) and the compiled CLI (`dist/`, built by `npm test`). A missing one fails the run
 * with this message instead of letting tests skip silently.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const REQUIRED: ReadonlyArray<readonly [path: string, what: string]> = [
  ['../shared/data/real', 'the shared real annotation files (../shared beside the repository)'],
  ['../shared/tools/gen-dataset.mjs', 'the shared dataset generator (../shared/tools)'],
  ['dist/src/cli/main.js', 'the compiled CLI: run `npm run build` (npm test does it first)'],
];

export default function requireFixtures(): void {
  const missing = REQUIRED.filter(([path]) => !existsSync(resolve(ROOT, path)));
  if (missing.length > 0)
    throw new Error(
      `the tests need: ${missing.map(([path, what]) => `${resolve(ROOT, path)} (${what})`).join('; ')}`,
    );
}
