/**
 * Errors raised in a worker thread keep their type (issue 11 item 4). A JSONL label file of 4 MiB
 * or more is encoded by two threads (`api/ingest/label-file-records.ts`: the first half in
 * `label-file-worker.ts`); a malformed line in the first half is found by the worker. It must
 * fail exactly as the same line does in a small file read on the main thread: the same exit
 * code, error code, category, data and message, and nothing written.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, initRepo, useTempRoot, type LogJson, type TestRepo } from './helpers.js';

const tmp = useTempRoot('worker-errors');
/** The threshold above which a label file is split between two threads (`SPLIT_MIN_BYTES`). */
const SPLIT_MIN_BYTES = 4 << 20;
const WORKER = join(REPO_ROOT, 'dist', 'src', 'api', 'ingest', 'label-file-worker.js');

let repo: TestRepo;
let history: LogJson[];

const line = (i: number): string =>
  JSON.stringify({ image: `img-${i}`, label: `l${i}`, category: 'person', bbox: [1, 2, 3, 4] });

/** A label file of `lines` lines whose line 3 is `bad`. */
function labelFile(name: string, lines: number, bad: string): string {
  const text = Array.from({ length: lines }, (_, i) => (i === 2 ? bad : line(i + 1))).join('\n');
  const file = join(tmp.dir('data'), name);
  writeFileSync(file, text + '\n');
  return file;
}

interface Envelope {
  readonly error: {
    readonly code: string;
    readonly category: string;
    readonly message: string;
    readonly data: Record<string, unknown>;
  };
}

async function importFailure(file: string): Promise<{ exit: number | null; envelope: Envelope }> {
  const r = await repo.run(['import', 'labels', file, '--json']);
  expect(r.stderr).not.toMatch(/internal error|IMPORT_WORKER_FAILED/);
  return { exit: r.code, envelope: JSON.parse(r.stdout) as Envelope };
}

beforeAll(async () => {
  expect(existsSync(WORKER), `${WORKER} (the compiled worker) is missing`).toBe(true);
  repo = await initRepo(tmp.root());
  await repo.ok(['import', 'labels', labelFile('base.jsonl', 5, line(3))]);
  history = await repo.log();
});

describe('a malformed line found by the import worker', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['truncated JSON', '{"image": "img-3", "label": "l3", "bbox": [1, 2'],
    ['a bbox of 3 numbers', JSON.stringify({ image: 'img-3', label: 'l3', bbox: [1, 2, 3] })],
    ['a label id over 1 KiB', JSON.stringify({ image: 'img-3', label: 'x'.repeat(2000) })],
  ];
  for (const [what, bad] of cases) {
    it(`${what}: same exit, code, category, data and message as on the main thread`, async () => {
      const small = labelFile(`small-${cases.findIndex((c) => c[0] === what)}.jsonl`, 10, bad);
      const big = labelFile(`big-${cases.findIndex((c) => c[0] === what)}.jsonl`, 70_000, bad);
      expect(Buffer.byteLength(line(70_000)) * 70_000).toBeGreaterThan(SPLIT_MIN_BYTES);
      const main = await importFailure(small);
      const worker = await importFailure(big);
      expect(main.exit).toBe(1);
      expect(worker.exit).toBe(main.exit);
      expect(main.envelope.error.code).toBe('FORMAT_PARSE');
      expect(worker.envelope.error.code).toBe(main.envelope.error.code);
      expect(worker.envelope.error.category).toBe(main.envelope.error.category);
      expect(worker.envelope.error.data).toEqual({ ...main.envelope.error.data, file: big });
      expect(worker.envelope.error.message).toBe(main.envelope.error.message.replace(small, big));
      expect(worker.envelope.error.message).toContain(`${big}:3`);
      expect(await repo.log()).toEqual(history);
    });
  }
});
