/**
 * `node dist/bench/gen-cli.js --labels N --seed S --out DIR [--edits 500,50000]`: writes the
 * project's deterministic synthetic dataset (labels.jsonl + edits-K.jsonl) (layer: bench).
 */
import { parseArgs } from 'node:util';
import { generateDataset } from './gen-data.js';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'data' },
    edits: { type: 'string', default: '500' },
  },
});

const edits = values.edits.split(',').filter(Boolean).map(Number);
const result = await generateDataset({
  labels: Number(values.labels),
  seed: Number(values.seed),
  outDir: values.out,
  editSizes: edits,
});
process.stdout.write(
  `generated ${result.labels} labels on ${result.images} images in ${values.out}\n`,
);
