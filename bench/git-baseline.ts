/**
 * Git baseline for the benchmark (layer: bench): labels stored as ONE JSON FILE PER IMAGE in a
 * plain git repository, the way teams version labels without a dedicated tool.
 *
 * Layout: `<shard>/<image>.json`, where `<shard>` is two hex digits of an FNV-1a hash of the
 * image id (256 folders keep directories and git tree objects small). A file holds all labels of
 * its image, one label per line, keys sorted and labels ordered by id, so the bytes depend only
 * on the content (stable) and a changed label is a one-line diff (pretty enough for git):
 *
 *     {"image":"00000001","labels":[
 *     {"annotated_at":"...","annotator":"ann_3",...,"label":"1",...},
 *     {...}
 *     ]}
 *
 * Measured: (a) import: stream labels.jsonl, write every image file, `git add -A`, `git commit`;
 * (b) edit: apply an edits file (read, modify, write each touched image file; a file whose last
 * label is deleted is removed), `git add -A`, `git commit`; (c) `git diff --name-only HEAD~1 HEAD`.
 * The import's `.git` size is `du -sk` after (a), i.e. loose objects as git leaves them.
 *
 * ASSUMPTION: in labels.jsonl all lines of one image are contiguous (the generator groups by
 * image). Each image file is written once, when its group ends, and created exclusively, so a
 * non-contiguous input fails loudly instead of silently losing labels.
 *
 * Git runs isolated from the machine's configuration (no system/global config, no hooks
 * template, no inherited GIT_* variables) with fixed identity and dates, `gc.auto=0` and
 * `maintenance.auto=false` so no background repacking skews timings; fsync and every other
 * setting stay at git's defaults.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

export interface GitBaselineOptions {
  readonly labelsFile: string;
  readonly editsFile: string;
  /** Becomes the repository; must not exist or be empty. */
  readonly workDir: string;
}

export interface GitBaselineResult {
  readonly importCommitMs: number;
  readonly editCommitMs: number;
  readonly diffNameOnlyMs: number;
  readonly gitDirBytes: number;
  /** Image files in the imported commit. */
  readonly files: number;
}

type LabelObject = Record<string, unknown>;

// prettier-ignore
const GIT_FLAGS = [
  '-c', 'user.name=Verso Bench', '-c', 'user.email=bench@verso.invalid',
  '-c', 'gc.auto=0', '-c', 'maintenance.auto=false', '-c', 'commit.gpgSign=false',
  '-c', 'core.autocrlf=false',
];
const FIXED_DATE = '2026-01-01T00:00:00Z';

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_DATE: FIXED_DATE,
    GIT_COMMITTER_DATE: FIXED_DATE,
  };
}

/** Runs git in `cwd` with the isolated configuration above; returns stdout, throws on failure. */
export function git(cwd: string, args: readonly string[]): string {
  const r = spawnSync('git', [...GIT_FLAGS, ...args], {
    cwd,
    env: gitEnv(),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Repository-relative path of an image's file, e.g. `3f/00000123.json`. */
export function imagePath(image: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < image.length; i++) h = Math.imul(h ^ image.charCodeAt(i), 0x01000193);
  return `${(h >>> 24).toString(16).padStart(2, '0')}/${image}.json`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: LabelObject = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as LabelObject)[k]);
  return out;
}

/** A label as stored in its image file: without the routing fields, keys sorted. */
function storedLabel(line: LabelObject): LabelObject {
  const { op: _op, image: _image, ...rest } = line;
  return sortKeys(rest) as LabelObject;
}

const labelId = (l: LabelObject): string => String(l['label']);
/** Numeric order for decimal ids (shorter first), lexicographic otherwise. */
const byId = (a: LabelObject, b: LabelObject): number => {
  const x = labelId(a);
  const y = labelId(b);
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
};

function renderImageFile(image: string, labels: LabelObject[]): string {
  const lines = labels.sort(byId).map((l) => JSON.stringify(l));
  return `{"image":${JSON.stringify(image)},"labels":[\n${lines.join(',\n')}\n]}\n`;
}

function writeImageFile(
  repo: string,
  image: string,
  labels: LabelObject[],
  flag: 'w' | 'wx',
): void {
  const file = path.join(repo, imagePath(image));
  try {
    fs.writeFileSync(file, renderImageFile(image, labels), { flag });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    throw new Error(`labels of image ${image} are not contiguous in labels.jsonl`, { cause: e });
  }
}

async function* jsonLines(file: string): AsyncIterable<LabelObject> {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  try {
    for await (const line of rl) if (line.length > 0) yield JSON.parse(line) as LabelObject;
  } finally {
    rl.close();
  }
}

/** Streams labels.jsonl into one file per image; returns the number of files. */
async function writeImageFiles(repo: string, labelsFile: string): Promise<number> {
  let files = 0;
  let image: string | null = null;
  let group: LabelObject[] = [];
  const flush = (): void => {
    if (image === null) return;
    writeImageFile(repo, image, group, 'wx');
    files++;
  };
  for await (const line of jsonLines(labelsFile)) {
    const img = String(line['image']);
    if (img !== image) {
      flush();
      image = img;
      group = [];
    }
    group.push(storedLabel(line));
  }
  flush();
  return files;
}

/** Applies put/delete lines to the touched image files; each file is read and written once. */
async function applyEdits(repo: string, editsFile: string): Promise<void> {
  const byImage = new Map<string, LabelObject[]>();
  for await (const e of jsonLines(editsFile)) {
    const img = String(e['image']);
    const list = byImage.get(img) ?? [];
    list.push(e);
    byImage.set(img, list);
  }
  for (const [image, edits] of byImage) {
    const file = path.join(repo, imagePath(image));
    const current = fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { labels: LabelObject[] }).labels
      : [];
    const labels = new Map(current.map((l) => [labelId(l), l]));
    for (const e of edits) {
      if (e['op'] === 'delete') labels.delete(labelId(e));
      else if (e['op'] === 'put') labels.set(labelId(e), storedLabel(e));
      else throw new Error(`unknown edit op ${JSON.stringify(e['op'])} for image ${image}`);
    }
    if (labels.size === 0) fs.rmSync(file, { force: true });
    else writeImageFile(repo, image, [...labels.values()], 'w');
  }
}

function prepareRepo(workDir: string): void {
  if (fs.existsSync(workDir) && fs.readdirSync(workDir).length > 0) {
    throw new Error(`git baseline work dir ${workDir} is not empty`);
  }
  fs.mkdirSync(workDir, { recursive: true });
  git(workDir, ['init', '-q', '-b', 'main', '--template=']);
  for (let i = 0; i < 256; i++) fs.mkdirSync(path.join(workDir, i.toString(16).padStart(2, '0')));
}

function duBytes(dir: string): number {
  const r = spawnSync('du', ['-sk', dir], { encoding: 'utf8' });
  const kib = Number(r.stdout.split(/\s/)[0]);
  if (r.status !== 0 || !Number.isFinite(kib)) throw new Error(`du -sk ${dir} failed: ${r.stderr}`);
  return kib * 1024;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export async function runGitBaseline(opts: GitBaselineOptions): Promise<GitBaselineResult> {
  const repo = opts.workDir;
  prepareRepo(repo);
  const imported = await timed(async () => {
    const files = await writeImageFiles(repo, opts.labelsFile);
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '--no-verify', '-m', 'import labels']);
    return files;
  });
  const gitDirBytes = duBytes(path.join(repo, '.git'));
  const edited = await timed(async () => {
    await applyEdits(repo, opts.editsFile);
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '--no-verify', '-m', `apply ${path.basename(opts.editsFile)}`]);
  });
  const diff = await timed(() => git(repo, ['diff', '--name-only', 'HEAD~1', 'HEAD']));
  return {
    importCommitMs: imported.ms,
    editCommitMs: edited.ms,
    diffNameOnlyMs: diff.ms,
    gitDirBytes,
    files: imported.value,
  };
}
