/**
 * The `cmd:PATH` gate (layer: api): runs an executable on a merge's candidate and reports its
 * exit and output.
 *
 * - The path is resolved against the repository root (the folder holding `.verso/`), so a rule
 *   means the same whatever folder the CLI or server runs in. No shell: the file is executed
 *   with two arguments, the candidate snapshot id and the repository URL.
 * - Environment: `VERSO_SNAPSHOT`, `VERSO_REPOSITORY`, `VERSO_BRANCH`, `VERSO_COMMIT` (the
 *   candidate commit), `PATH` (a fixed system path plus Node's folder) and whatever the caller
 *   adds. It does not inherit the caller's environment: a server's may hold credentials.
 * - Exit 0 passes; anything else blocks (a signal, a spawn failure, the timeout too). Output
 *   (stdout and stderr interleaved) is kept up to `MAX_OUTPUT_BYTES` so a chatty script cannot
 *   fill memory; the timeout (`DEFAULT_TIMEOUT_MS`) kills the command's whole process group.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import type { ChunkHash } from '../../core/hash.js';

export const MAX_OUTPUT_BYTES = 64 * 1024;
export const DEFAULT_TIMEOUT_MS = 60_000;
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface GateCommandRun {
  readonly root: string;
  readonly path: string;
  readonly branch: string;
  readonly snapshot: ChunkHash;
  readonly commit: ChunkHash | undefined;
  readonly repositoryUrl: string;
  readonly timeoutMs?: number | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
}

export interface GateCommandOutcome {
  readonly passed: boolean;
  readonly output: string;
}

export function runGateCommand(run: GateCommandRun): Promise<GateCommandOutcome> {
  const file = resolve(run.root, run.path);
  const timeoutMs = run.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const env: Record<string, string> = {
    PATH: `${SYSTEM_PATH}:${dirname(process.execPath)}`,
    ...run.env,
    VERSO_SNAPSHOT: run.snapshot,
    VERSO_REPOSITORY: run.repositoryUrl,
    VERSO_BRANCH: run.branch,
    ...(run.commit ? { VERSO_COMMIT: run.commit } : {}),
  };
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    const keep = (b: Buffer) => {
      if (kept >= MAX_OUTPUT_BYTES) return void (truncated = true);
      const part = b.subarray(0, MAX_OUTPUT_BYTES - kept);
      if (part.length < b.length) truncated = true;
      chunks.push(part);
      kept += part.length;
    };
    const text = () =>
      Buffer.concat(chunks).toString('utf8') +
      (truncated ? `\n[output cut at ${MAX_OUTPUT_BYTES} bytes]` : '');
    let timedOut = false;
    const child = spawn(file, [run.snapshot, run.repositoryUrl], {
      cwd: run.root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      done({ passed: false, output: `cannot run ${file}: ${e.code ?? e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) return done({ passed: true, output: text() });
      const why = timedOut
        ? `timed out after ${timeoutMs} ms`
        : signal
          ? `killed by ${signal}`
          : `exit ${code}`;
      const out = text();
      done({ passed: false, output: out.trim() === '' ? why : `${why}\n${out}` });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
