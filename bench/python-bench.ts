/**
 * `npm run bench -- python [--labels 100000] [--runs 3] [--explain-labels 1000000]` (layer:
 * bench): the Python client's
 * benchmarks (`python/bench/`), each a script that builds its own repository and `verso serve`:
 * labels streamed into Python (`stream_labels.py`), `record_predictions` (`record_predictions.py`),
 * `explain(top=50)` over a run of `--explain-labels` 128-d vectors (`explain_vectors.py`),
 * and `VersoDataset` + `DataLoader(num_workers=2)` against a plain folder of the same JPEGs
 * (`dataset_images.py`). Runs them with `$VERSO_PYTHON`, else Debian's `/usr/bin/python3` (the
 * interpreter that has torch and numpy), and prints what each prints.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchLog } from './table.js';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'explain-labels': { type: 'string', default: '1000000' },
  },
});
const log = benchLog('python');
const python = process.env['VERSO_PYTHON'] ?? '/usr/bin/python3';
const dir = resolve(import.meta.dirname, '../../python/bench');
const scripts: [string, string[]][] = [
  ['stream_labels.py', ['--labels', values.labels, '--runs', values.runs]],
  ['record_predictions.py', []],
  ['explain_vectors.py', ['--labels', values['explain-labels']]],
  ['dataset_images.py', ['--runs', values.runs]],
];
let failed = 0;
for (const [script, args] of scripts) {
  log(`${python} ${script} ${args.join(' ')}`);
  const r = spawnSync(python, [resolve(dir, script), ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    log(`${script} exited ${r.status ?? r.signal}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
