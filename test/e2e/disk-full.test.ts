/**
 * A full disk (issue 10 item 16), on a real 4 MiB tmpfs mounted in a private mount namespace
 * (`unshare -rm`: no root needed where user namespaces are allowed; `unshare -m` as root).
 * Import, apply and add images fail with exit 1 and one clear line ("disk full while writing
 * ...: nothing was changed; free space and retry"), never a driver's stack trace or a hang;
 * show, branch list and verify still work with 0 bytes free (opening the catalog writes
 * nothing); after freeing space the same import succeeds and verify is clean.
 *
 * The whole scenario runs in one shell inside the namespace (the tmpfs vanishes with it); each
 * command's exit status and output land in files outside it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  E2E_AUTHOR,
  REPO_ROOT,
  VERSO_BIN,
  runProgram,
  useTempRoot,
  writeJsonLines,
} from './helpers.js';

const tmp = useTempRoot('disk-full');
const IMAGES = resolve(
  REPO_ROOT,
  '../shared/data/real/images/review_object_detection_metrics/data/database/images',
);

interface Step {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
let steps: Map<string, Step>;

/** Runs `script` in a new mount namespace; the first form of unshare that works. */
async function inMountNamespace(script: string): Promise<void> {
  for (const flags of [['-rm'], ['-m']]) {
    const probe = await runProgram('unshare', [...flags, 'true']);
    if (probe.code !== 0) continue;
    const r = await runProgram('unshare', [...flags, 'bash', script], {
      env: { ...process.env, VERSO_AUTHOR: E2E_AUTHOR, VERSO_REPO: '' },
    });
    expect(r.code, `scenario failed: ${r.stderr}`).toBe(0);
    return;
  }
  throw new Error(
    'this test needs `unshare -rm` (user and mount namespaces) or root for `unshare -m`',
  );
}

beforeAll(async () => {
  const data = tmp.dir('data');
  const out = tmp.dir('out');
  const mnt = tmp.dir('mnt');
  const labels = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => ({
      image: `${prefix}${i >> 3}`,
      label: String(i),
      category: `c${i % 50}`,
      bbox: [i % 500, i % 300, 20 + (i % 40), 30],
      annotator: `ann${i % 7}`,
      annotated_at: '2026-01-01T00:00:00Z',
    }));
  writeJsonLines(join(data, 'small.jsonl'), labels(2000, 'img'));
  writeJsonLines(join(data, 'big.jsonl'), labels(12000, 'img'));
  writeJsonLines(
    join(data, 'edits.jsonl'),
    labels(2000, 'img').map((l) => ({ op: 'put', ...l, category: 'changed' })),
  );
  const script = join(tmp.root(), 'scenario.sh');
  writeFileSync(
    script,
    `set -u
mount -t tmpfs -o size=4m tmpfs '${mnt}'
R='${mnt}/r'
run() { local name=$1; shift
  '${process.execPath}' '${VERSO_BIN}' "$@" > '${out}'/$name.out 2> '${out}'/$name.err
  echo $? > '${out}'/$name.code; }
# leave about 'kb' KiB free
fill() { rm -f "${mnt}/filler"; local free=$(df -k --output=avail '${mnt}' | tail -1)
  head -c $(( (free - $1) * 1024 )) /dev/zero > '${mnt}/filler' 2>/dev/null || true; }
run init init "$R"
run small --repo "$R" import labels '${data}/small.jsonl'
fill 300
run import-chunks --repo "$R" import labels '${data}/big.jsonl'
fill 300
run images-blobs --repo "$R" add images '${IMAGES}'
fill 0
run import-full --repo "$R" import labels '${data}/big.jsonl'
run apply-full --repo "$R" apply '${data}/edits.jsonl' --branch main
run images-full --repo "$R" add images '${IMAGES}'
run show --repo "$R" show main --json
run branches --repo "$R" branch list --json
run verify-full --repo "$R" verify --json
rm -f '${mnt}/filler'
run import-retry --repo "$R" import labels '${data}/big.jsonl' --json
run verify-after --repo "$R" verify --json
umount '${mnt}'
`,
  );
  await inMountNamespace(script);
  steps = new Map();
  for (const name of [
    'init',
    'small',
    'import-chunks',
    'images-blobs',
    'import-full',
    'apply-full',
    'images-full',
    'show',
    'branches',
    'verify-full',
    'import-retry',
    'verify-after',
  ]) {
    const file = (ext: string) => join(out, `${name}.${ext}`);
    expect(existsSync(file('code')), `step ${name} ran`).toBe(true);
    steps.set(name, {
      code: Number(readFileSync(file('code'), 'utf8')),
      stdout: readFileSync(file('out'), 'utf8'),
      stderr: readFileSync(file('err'), 'utf8'),
    });
  }
}, 300_000);

const step = (name: string): Step => steps.get(name)!;

function expectDiskFull(name: string, where: RegExp): void {
  const s = step(name);
  expect(s.code, `${name}: ${s.stderr}`).toBe(1);
  // One line from Verso; LMDB's C code may print its own "Write error" first, never a trace.
  expect(s.stderr).not.toMatch(/internal error|\n\s+at |Commit failed|SqliteError|ENOSPC:/);
  const last = s.stderr.trim().split('\n').pop()!;
  expect(last).toMatch(where);
  expect(last).toMatch(/: nothing was changed; free space and retry$/);
}

describe('a full disk', () => {
  it('the repository was set up before the disk filled', () => {
    expect(step('init').code).toBe(0);
    expect(step('small').code, step('small').stderr).toBe(0);
  });

  it('import that fills the disk while writing chunks: a clear disk-full error', () => {
    expectDiskFull(
      'import-chunks',
      /^(Write error.*)?verso: error: disk full while writing the chunk store /,
    );
  });

  it('add images that fills the disk while writing blobs: a clear disk-full error', () => {
    expectDiskFull('images-blobs', /^verso: error: disk full while writing the blob store /);
  });

  it('import, apply and add images with 0 bytes free: clear disk-full errors', () => {
    expectDiskFull('import-full', /^verso: error: disk full while writing /);
    expectDiskFull('apply-full', /^verso: error: disk full while writing /);
    expectDiskFull('images-full', /^verso: error: disk full while writing /);
  });

  it('show, branch list and verify work with 0 bytes free', () => {
    for (const name of ['show', 'branches', 'verify-full']) {
      expect(step(name).code, `${name}: ${step(name).stderr}`).toBe(0);
      expect(step(name).stderr).toBe('');
    }
    expect(JSON.parse(step('show').stdout)).toMatchObject({ counts: { labels: 2000 } });
    expect(JSON.parse(step('verify-full').stdout)).toMatchObject({ problems: [] });
  });

  it('nothing was changed, and a retry after freeing space succeeds', () => {
    const retry = step('import-retry');
    expect(retry.code, retry.stderr).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ labels: { added: 10000, removed: 0 } });
    expect(JSON.parse(step('verify-after').stdout)).toMatchObject({ problems: [] });
  });
});
