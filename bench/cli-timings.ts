/**
 * What a user experiences (layer: bench): Verso's commands timed as whole CLI processes
 * (`bin/verso.js`, start-up included, output read and counted as it streams), on a repository the in-library run
 * built. Small commands report the median of several runs; writes run once on a fresh branch.
 */
import { spawn } from 'node:child_process';
import { median } from './measure.js';
import { VERSO_CLI } from './paths.js';

export interface CliTimings {
  /** `verso init` + `verso import labels FILE`, as two processes (absent when skipped). */
  readonly importMs?: number;
  /** `verso apply EDITS --branch B` on a branch fresh from main. */
  readonly applyMs: number;
  /** `verso diff B~1 B --json`. */
  readonly diffMs: number;
  /** `verso cat main` (every label as JSONL) and the lines it printed. */
  readonly catMs: number;
  readonly catLines: number;
  /** Medians of 7 runs each. */
  readonly logMs: number;
  readonly showMs: number;
  readonly branchListMs: number;
  readonly countMs: number;
}

/** Runs `verso ARGS` to completion; its wall time in ms and the lines it printed (streamed). */
export function timeCli(args: readonly string[]): Promise<{ ms: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [VERSO_CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (status === 0) resolve({ ms, lines });
      else reject(new Error(`verso ${args.join(' ')} exited ${status}: ${stderr}`));
    });
  });
}

async function medianOf(runs: number, args: readonly string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timeCli(args)).ms);
  return median(times);
}

export async function measureCli(options: {
  /** An existing repository with `main` imported. */
  readonly repo: string;
  readonly editsFile: string;
  /** When given, also times init + import of this file into `importRepo`. */
  readonly importFile?: string;
  readonly importRepo?: string;
}): Promise<CliTimings> {
  const r = ['--repo', options.repo];
  let importMs: number | undefined;
  if (options.importFile && options.importRepo) {
    const init = (await timeCli(['init', options.importRepo])).ms;
    importMs =
      init +
      (await timeCli(['--repo', options.importRepo, 'import', 'labels', options.importFile])).ms;
  }
  await timeCli([...r, 'branch', 'create', 'cli-edit', '--from', 'main']);
  const applyMs = (await timeCli([...r, 'apply', options.editsFile, '--branch', 'cli-edit'])).ms;
  const diffMs = (await timeCli([...r, 'diff', 'cli-edit~1', 'cli-edit', '--json'])).ms;
  const cat = await timeCli([...r, 'cat', 'main']);
  return {
    ...(importMs !== undefined ? { importMs } : {}),
    applyMs,
    diffMs,
    catMs: cat.ms,
    catLines: cat.lines,
    logMs: await medianOf(7, [...r, 'log', 'main', '-n', '20']),
    showMs: await medianOf(7, [...r, 'show', 'main']),
    branchListMs: await medianOf(7, [...r, 'branch', 'list']),
    countMs: await medianOf(7, [...r, 'count', 'main']),
  };
}
