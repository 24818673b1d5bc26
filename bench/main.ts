/**
 * `npm run bench -- [SUITE] [options]`: picks a benchmark suite (layer: bench).
 *
 * Each suite is a module that runs when imported, reads its own options from `process.argv`,
 * prints a table and writes JSON to `bench-results/`. Without a suite name the core suite runs
 * (`npm run bench -- --labels 10000000`).
 */
const SUITES: Readonly<Record<string, string>> = {
  core: './core-bench.js',
  coco: './coco-bench.js',
  assets: './assets-bench.js',
  merge: './merge-bench.js',
  lineage: './lineage-bench.js',
  query: './query-bench.js',
  server: './server-bench.js',
  python: './python-bench.js',
  sync: './sync-bench.js',
  catalog: './catalog-bench.js',
  scaleout: './scaleout-bench.js',
  ui: './ui-bench.js',
  predictions: './predictions-bench.js',
  video: './video-bench.js',
  annotators: './annotators-bench.js',
};

const first = process.argv[2];
const named = first !== undefined && !first.startsWith('-');
const suite = named ? first : 'core';
const module = SUITES[suite];
if (!module) {
  process.stderr.write(
    `unknown bench suite '${suite}' (known: ${Object.keys(SUITES).join(', ')})\n`,
  );
  process.exit(2);
}
if (named) process.argv.splice(2, 1);
await import(module);
