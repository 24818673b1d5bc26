/**
 * Tests for the git baseline on a tiny generated dataset: the import commits one file per image,
 * the edit commit touches exactly the images named by the edit batch and leaves each touched
 * label as the batch says, and non-contiguous input is refused.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from './gen-data.js';
import type { GeneratedDataset } from './gen-data.js';
import { git, imagePath, runGitBaseline } from './git-baseline.js';

interface Edit {
  op: 'put' | 'delete';
  image: string;
  label: string;
  [field: string]: unknown;
}
interface ImageFile {
  image: string;
  labels: { label: string; [field: string]: unknown }[];
}

let dir: string;
let ds: GeneratedDataset;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-git-'));
  ds = await generateDataset({
    labels: 3000,
    seed: 5,
    outDir: join(dir, 'data'),
    editSizes: [200],
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runGitBaseline', () => {
  it('commits one file per image and an edit commit touching exactly the edited images', async () => {
    const edit = ds.editFiles[0];
    if (!edit) throw new Error('no edit batch');
    const repo = join(dir, 'repo');
    const r = await runGitBaseline({
      labelsFile: ds.labelsFile,
      editsFile: edit.file,
      workDir: repo,
    });

    expect(r.files).toBe(ds.images);
    expect(git(repo, ['ls-tree', '-r', '--name-only', 'HEAD~1']).trim().split('\n')).toHaveLength(
      ds.images,
    );
    expect(r.gitDirBytes).toBeGreaterThan(0);
    for (const ms of [r.importCommitMs, r.editCommitMs, r.diffNameOnlyMs])
      expect(ms).toBeGreaterThan(0);

    const edits = readFileSync(edit.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Edit);
    const expected = [...new Set(edits.map((e) => imagePath(e.image)))].sort();
    const changed = git(repo, ['diff', '--name-only', 'HEAD~1', 'HEAD']).trim().split('\n').sort();
    expect(changed).toEqual(expected);

    for (const e of edits) {
      const file = join(repo, imagePath(e.image));
      const stored = existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as ImageFile).labels.find(
            (l) => l.label === e.label,
          )
        : undefined;
      if (e.op === 'delete') {
        expect(stored).toBeUndefined();
      } else {
        const { op: _op, image: _image, ...label } = e;
        expect(stored).toEqual(label);
      }
    }
  });

  it('refuses labels.jsonl whose images are not contiguous', async () => {
    const labelsFile = join(dir, 'split.jsonl');
    const line = (image: string, label: string): string => JSON.stringify({ image, label });
    writeFileSync(
      labelsFile,
      [line('00000001', '1'), line('00000002', '2'), line('00000001', '3')].join('\n'),
    );
    const run = runGitBaseline({ labelsFile, editsFile: labelsFile, workDir: join(dir, 'split') });
    await expect(run).rejects.toThrow(/not contiguous/);
  });
});
