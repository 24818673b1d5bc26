/**
 * Shared helpers for the end-to-end CLI tests: run the compiled CLI, make throw-away
 * repositories, generate and read JSONL data.
 *
 * Every test runs the compiled CLI (`dist/`), so `npm run build` must have run. `verso(...)`
 * runs it in this process through `main()` (`dist/src/cli/main.js`), one call at a time, with
 * stdout and stderr captured: the same result as a child process, without starting Node per
 * command. `versoProcess(...)` (and `spawnVerso`) run the real executable `bin/verso.js` in a
 * child process: for tests of the process itself (concurrency, kills and signals, EPIPE,
 * startup, the executable), and whenever a test gives `process: true`. Both run in the same
 * folder: `cwd` when given, else the OS temp folder (`runFolder`); in process it is passed to
 * `main({cwd})`, which resolves every path against it.
 *
 * Every run gets a clean environment: `VERSO_REPO` and `VERSO_COMMIT_TIME` are removed (a test
 * that wants them sets them), `VERSO_AUTHOR` is set to `E2E_AUTHOR`. Temporary folders live
 * under `os.tmpdir()` and are removed by the `afterAll` hook that `useTempRoot` registers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect } from 'vitest';
import type { main } from '../../src/cli/main.js';
import { generateDataset, type GeneratedDataset } from '../../bench/gen-data.js';
import { imageSize, planImages } from '../../bench/gen-image-plan.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const VERSO_BIN = join(REPO_ROOT, 'bin', 'verso.js');
/** The shared generator; present on the dev machine and in CI (`../shared` beside the repo). */
export const SHARED_GENERATOR = resolve(REPO_ROOT, '../shared/tools/gen-dataset.mjs');
export const E2E_AUTHOR = 'e2e-tester <e2e@example.test>';

// ------------------------------------------------------------------ running the CLI

export interface RunOptions {
  /** The folder to run in (default: the OS temp folder, in process and in a child process). */
  readonly cwd?: string;
  /** Extra environment; a `undefined` value removes the variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Run `bin/verso.js` in a child process instead of `main()` in this one. */
  readonly process?: boolean;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The folder a run runs in, in process or in a child process: `cwd`, else the OS temp folder. */
export function runFolder(opts: RunOptions): string {
  return opts.cwd ?? tmpdir();
}

function childEnv(extra: RunOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VERSO_AUTHOR: E2E_AUTHOR };
  delete env['VERSO_REPO'];
  delete env['VERSO_COMMIT_TIME'];
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunningVerso {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles when the process has exited and its output streams are closed. */
  readonly done: Promise<RunResult>;
  /** Whether the process has exited. */
  exited(): boolean;
}

/** Starts `verso ARGS` without waiting for it (for races and kills). */
export function spawnVerso(args: readonly string[], opts: RunOptions = {}): RunningVerso {
  const child = spawn(process.execPath, [VERSO_BIN, ...args], {
    cwd: runFolder(opts),
    env: childEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let hasExited = false;
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<RunResult>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code, signal) => {
      hasExited = true;
      res({ code, signal, stdout, stderr });
    });
  });
  if (child.pid === undefined) throw new Error('could not spawn verso');
  return { child, pid: child.pid, done, exited: () => hasExited };
}

/** `VERSO_E2E_MODE=process` runs every command in a child process (to compare the modes). */
let ALWAYS_PROCESS = process.env['VERSO_E2E_MODE'] === 'process';

/**
 * Runs every `verso(...)` of this test file in a child process: for files that test the process
 * itself (races between processes, leases held by a pid). Call at the top level of the file.
 */
export function runInChildProcesses(): void {
  ALWAYS_PROCESS = true;
}

/**
 * Runs `verso ARGS` to completion: in this process through `main()` (see the header), or in a
 * child process when `opts.process` is given.
 */
export function verso(
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult & { readonly pid: number }> {
  if (opts.process || ALWAYS_PROCESS) return versoProcess(args, opts);
  return versoInProcess(args, opts);
}

/**
 * Runs the real executable `bin/verso.js ARGS` in a child process to completion. Never blocks
 * the test worker's event loop (a synchronous spawn that outlasts vitest's 60 s worker RPC
 * timeout makes the run exit 1 with every test passing), and lets independent checks run side
 * by side.
 */
export function versoProcess(
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult & { readonly pid: number }> {
  const running = spawnVerso(args, opts);
  return running.done.then((r) => ({ ...r, pid: running.pid }));
}

type CliMain = typeof main;
let cliMain: Promise<CliMain> | undefined;
let inProcessQueue: Promise<unknown> = Promise.resolve();

/** A writable that keeps what is written. */
function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * `main()` of the compiled CLI in this process, one call at a time (calls queue), with the
 * environment and folder a child process would get, passed as `main`'s `env` and `cwd`: the
 * process's own environment and folder are neither read nor changed.
 */
export function versoInProcess(
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult & { readonly pid: number }> {
  const run = async (): Promise<RunResult & { readonly pid: number }> => {
    cliMain ??= import(pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js')).href).then(
      (m: { main: CliMain }) => m.main,
    );
    const main = await cliMain;
    const out = capture();
    const err = capture();
    const code = await main({
      argv: args,
      stdout: out.stream,
      stderr: err.stream,
      env: childEnv(opts.env),
      cwd: runFolder(opts),
    });
    return { code, signal: null, stdout: out.text(), stderr: err.text(), pid: process.pid };
  };
  const result = inProcessQueue.then(run, run);
  inProcessQueue = result.catch(() => undefined);
  return result;
}

/** Runs any program to completion without blocking the test worker (see `verso`). */
export function runProgram(
  cmd: string,
  args: readonly string[],
  opts: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? tmpdir(),
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((res) => {
    child.on('error', (e) => res({ code: null, signal: null, stdout, stderr: stderr + String(e) }));
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
}

/** Asserts exit status 0 (showing stderr on failure) and returns the result. */
export function expectOk(r: RunResult, what = 'verso'): RunResult {
  expect(r.code, `${what} failed (signal ${r.signal}):\n${r.stderr}`).toBe(0);
  return r;
}

/** Asserts a failed run: exit status `code` and every fragment present in stderr. */
export function expectFailure(
  r: RunResult,
  code: number,
  ...fragments: readonly (string | RegExp)[]
): void {
  expect(r.code, `expected exit ${code}; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
  for (const f of fragments) {
    if (typeof f === 'string') expect(r.stderr).toContain(f);
    else expect(r.stderr).toMatch(f);
  }
}

// ------------------------------------------------------------------ repositories

export interface ShowJson {
  readonly commit: string;
  readonly snapshot: string;
  readonly parents: readonly string[];
  readonly author: string;
  readonly time: string;
  readonly message: string;
  readonly counts: Readonly<Record<'assets' | 'labels' | 'reviews' | 'splits', number>>;
  readonly trees: Readonly<Record<'assets' | 'labels' | 'reviews' | 'splits', string>>;
  readonly categories: { readonly id: string; readonly count: number } | null;
  readonly operations: Readonly<Record<string, unknown>>;
}

export interface LogJson {
  readonly id: string;
  readonly snapshot: string;
  readonly parents: readonly string[];
  readonly author: string;
  readonly time: string;
  readonly message: string;
}

export interface RefJson {
  readonly name: string;
  readonly kind: 'branch' | 'tag';
  readonly target: string;
}

export interface ChangeCountsJson {
  readonly added: number;
  readonly removed: number;
  readonly modified: number;
}

export interface WriteJson {
  readonly commit: string;
  readonly snapshot: string;
  readonly labels: ChangeCountsJson;
  readonly reviews: ChangeCountsJson;
}

/** A repository on disk, driven through the CLI with `--repo`. */
export class TestRepo {
  constructor(readonly root: string) {}

  run(
    args: readonly string[],
    opts: RunOptions = {},
  ): Promise<RunResult & { readonly pid: number }> {
    return verso(['--repo', this.root, ...args], opts);
  }

  spawn(args: readonly string[], opts: RunOptions = {}): RunningVerso {
    return spawnVerso(['--repo', this.root, ...args], opts);
  }

  /** Runs and asserts success; returns stdout. */
  async ok(args: readonly string[], opts: RunOptions = {}): Promise<string> {
    return expectOk(await this.run(args, opts), `verso ${args.join(' ')}`).stdout;
  }

  /** Runs with `--json` appended and parses stdout as one JSON value. */
  async json<T>(args: readonly string[], opts: RunOptions = {}): Promise<T> {
    return JSON.parse(await this.ok([...args, '--json'], opts)) as T;
  }

  /** Runs with `--json` appended and parses stdout as JSON Lines (a list of records). */
  async jsonLines<T>(args: readonly string[], opts: RunOptions = {}): Promise<T[]> {
    return parseJsonLines<T>(await this.ok([...args, '--json'], opts));
  }

  show(ref = 'main'): Promise<ShowJson> {
    return this.json<ShowJson>(['show', ref]);
  }

  async head(ref = 'main'): Promise<string> {
    return (await this.show(ref)).commit;
  }

  async log(ref = 'main'): Promise<LogJson[]> {
    return parseJsonLines<LogJson>(await this.ok(['log', ref, '--json']));
  }

  async refs(kind: 'branch' | 'tag'): Promise<RefJson[]> {
    return parseJsonLines<RefJson>(await this.ok([kind, 'list', '--json']));
  }

  importLabels(file: string, branch = 'main', ...extra: string[]): Promise<WriteJson> {
    return this.json<WriteJson>(['import', 'labels', file, '--branch', branch, ...extra]);
  }

  apply(file: string, branch: string, ...extra: string[]): Promise<WriteJson> {
    return this.json<WriteJson>(['apply', file, '--branch', branch, ...extra]);
  }

  /** `verso cat REF`, one parsed object per label. */
  async cat(ref = 'main'): Promise<LabelRecord[]> {
    return parseJsonLines<LabelRecord>(await this.ok(['cat', ref]));
  }

  /** Asserts that `verso verify` is clean. */
  async verify(): Promise<void> {
    const r = await this.run(['verify', '--json']);
    expectOk(r, 'verso verify');
    const v = JSON.parse(r.stdout) as { problems: unknown[]; chunks: number };
    expect(v.problems).toEqual([]);
  }

  /** Names of the per-process scratch folders in `.verso/tmp/` (`<pid>-*`). */
  scratchDirs(): string[] {
    const tmp = join(this.root, '.verso', 'tmp');
    return existsSync(tmp) ? readdirSync(tmp) : [];
  }
}

/** `verso init` in a fresh folder under `parent`. */
export async function initRepo(parent: string, name = 'repo'): Promise<TestRepo> {
  const root = join(parent, name);
  expectOk(await verso(['init', root, '--json']), 'verso init');
  return new TestRepo(root);
}

// ------------------------------------------------------------------ temp folders

/**
 * A temp folder for one test file, removed after all its tests; `dir(name)` makes a subfolder.
 * Call at the top level of a test file (it registers an `afterAll` hook).
 */
export function useTempRoot(prefix: string): {
  readonly root: () => string;
  dir(name: string): string;
} {
  let root: string | undefined;
  const ensure = (): string => (root ??= mkdtempSync(join(tmpdir(), `verso-e2e-${prefix}-`)));
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  return {
    root: ensure,
    dir(name: string): string {
      const d = join(ensure(), name);
      mkdirSync(d, { recursive: true });
      return d;
    },
  };
}

// ------------------------------------------------------------------ data

export type JsonPrimitive = null | boolean | number | string;
export type Json = JsonPrimitive | Json[] | { [k: string]: Json };

/** One parsed line of a label file, an edit file or `verso cat` output. */
export interface LabelRecord {
  readonly image: string;
  readonly label: string;
  readonly op?: 'put' | 'delete';
  readonly review?: { [k: string]: Json } | null;
  readonly [field: string]: Json | undefined;
}

export function parseJsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as T);
}

export function readJsonLines<T = LabelRecord>(file: string): T[] {
  return parseJsonLines<T>(readFileSync(file, 'utf8'));
}

export function writeJsonLines(file: string, records: readonly unknown[]): string {
  writeFileSync(
    file,
    records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''),
  );
  return file;
}

/** Number of non-blank lines in a text file. */
export function countLines(file: string): number {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0).length;
}

/** The project's generator (src/bench/gen-data.ts): labels.jsonl + edits-K.jsonl in `outDir`. */
export function generateProjectData(
  outDir: string,
  labels: number,
  seed: number,
  editSizes: readonly number[] = [],
): Promise<GeneratedDataset> {
  return generateDataset({ labels, seed, outDir, editSizes });
}

/** The shared generator (../shared/tools/gen-dataset.mjs); its presence is checked by test/require-fixtures.ts. */
export async function generateSharedData(
  outDir: string,
  images: number,
  seed: number,
  editSizes: readonly number[],
): Promise<{ labelsFile: string; editFile: (k: number) => string }> {
  const args = ['--images', String(images), '--seed', String(seed), '--out', outDir];
  const child = spawn(
    process.execPath,
    [SHARED_GENERATOR, ...args, '--edits', editSizes.join(',')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = await new Promise<number | null>((res, rej) => {
    child.on('error', rej);
    child.on('close', res);
  });
  if (code !== 0) throw new Error(`shared generator failed: ${stderr}`);
  return {
    labelsFile: join(outDir, 'labels.jsonl'),
    editFile: (k) => join(outDir, `edits-${k}.jsonl`),
  };
}

// ------------------------------------------------------------------ the label model

/** `(image, label)` as one map key. */
export const keyOf = (r: { readonly image: unknown; readonly label?: unknown }): string =>
  `${String(r.image)}\u0000${String(r.label)}`;

/** A JSON value with object members in sorted order: equal values give equal strings. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** What Verso stores for one label: its content (the labels tree) and its review (the reviews tree). */
export interface StoredLabel {
  readonly image: string;
  readonly label: string;
  readonly content: string;
  readonly review: string | null;
}

function splitRecord(r: LabelRecord): StoredLabel {
  const content: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r))
    if (k !== 'op' && k !== 'image' && k !== 'label' && k !== 'review') content[k] = v;
  return {
    image: String(r.image),
    label: String(r.label),
    content: canonicalJson(content),
    review: r.review === undefined || r.review === null ? null : canonicalJson(r.review),
  };
}

/** The dataset a label file (or `cat` output) describes, keyed by `keyOf`. */
export function modelOf(records: readonly LabelRecord[]): Map<string, StoredLabel> {
  const m = new Map<string, StoredLabel>();
  for (const r of records) m.set(keyOf(r), splitRecord(r));
  return m;
}

/**
 * Applies an edit batch to a model as docs/formats.md specifies: ops in file order, a put
 * without `review` keeps the stored review, `review: null` removes it, a delete removes both.
 */
export function applyToModel(
  model: Map<string, StoredLabel>,
  ops: readonly LabelRecord[],
): Map<string, StoredLabel> {
  const m = new Map(model);
  for (const op of ops) {
    const k = keyOf(op);
    if (op.op === 'delete') {
      if (!m.has(k)) throw new Error(`model: delete of missing ${k}`);
      m.delete(k);
      continue;
    }
    const next = splitRecord(op);
    const review = op.review === undefined ? (m.get(k)?.review ?? null) : next.review;
    m.set(k, { ...next, review });
  }
  return m;
}

/** The model as label-file records (for `import labels`), in no particular order. */
export function modelToRecords(model: Map<string, StoredLabel>): LabelRecord[] {
  return [...model.values()].map((s) => ({
    image: s.image,
    label: s.label,
    ...(JSON.parse(s.content) as Record<string, Json>),
    ...(s.review === null ? {} : { review: JSON.parse(s.review) as { [k: string]: Json } }),
  }));
}

/** Sorts by `(image, label)` compared as UTF-8 bytes: the order of Verso keys and `cat`. */
export function compareKeys(
  a: { image: string; label?: string },
  b: { image: string; label?: string },
): number {
  const c = Buffer.compare(Buffer.from(a.image), Buffer.from(b.image));
  return c !== 0 ? c : Buffer.compare(Buffer.from(a.label ?? ''), Buffer.from(b.label ?? ''));
}

// ------------------------------------------------------------------ misc

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every `everyMs` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(
  cond: () => boolean,
  timeoutMs: number,
  everyMs = 5,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (cond()) return true;
    if (Date.now() > end) return false;
    await sleep(everyMs);
  }
}

/** A small seeded PRNG (mulberry32) for shuffles and picks that must be reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

// ------------------------------------------------------------------ image headers

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG of `width` x `height` holding only its header: what `add images` reads sizes from. */
export function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(17);
  ihdr.write('IHDR', 0, 'latin1');
  ihdr.writeUInt32BE(width, 4);
  ihdr.writeUInt32BE(height, 8);
  ihdr.set([8, 2, 0, 0, 0], 12); // 8-bit RGB, no interlace
  const chunk = Buffer.alloc(25);
  chunk.writeUInt32BE(13, 0);
  ihdr.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(ihdr), 21);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk]);
}

/**
 * Header-only PNGs `<image>.png` in `dir` for every image of the data `generateProjectData(dir,
 * labels, seed)` makes, each of the size the generator drew that image's labels in: `verso add
 * images --reference DIR` then gives every labelled image an asset record with its size (what
 * COCO and VOC exports need).
 */
export function writeGeneratedImageHeaders(dir: string, labels: number, seed: number): string {
  mkdirSync(dir, { recursive: true });
  const plan = planImages(seed, labels);
  for (let image = 1; image <= plan.images; image++) {
    const [w, h] = imageSize(plan, image);
    writeFileSync(join(dir, `${String(image).padStart(8, '0')}.png`), pngHeader(w, h));
  }
  return dir;
}
