/**
 * The Python client's test suite (`python/tests/`, unittest), run by `npm test`: one vitest test
 * per Python test module, each a `python -m unittest -v MODULE` process against real servers
 * the Python harness starts on 127.0.0.1 (it runs `bin/verso.js`, so `dist/` must be built);
 * two modules run at a time.
 *
 * The interpreter: `$VERSO_PYTHON` if set, else the first of `/usr/bin/python3` (Debian's, where
 * `python3-torch` and `python3-numpy` install), `python3`, `python` on PATH that is Python 3.9 or
 * newer, preferring one that has torch, numpy and Pillow (the machine's default `python3` may be
 * a pyenv one without them). No suitable interpreter fails the run with what to install; the
 * modules that need torch (`test_torch*.py`) fail the same way when no interpreter has them. A
 * Python test that skips fails its module too (no silent skips, as in the TypeScript suites).
 * `test_torch_example.py` runs the Fashion-MNIST example on Debian's `dataset-fashion-mnist`
 * (and says so when it is missing).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TESTS = join(ROOT, 'python', 'tests');

interface Interpreter {
  readonly command: string;
  readonly version: readonly [number, number];
  readonly torch: boolean;
}

const PROBE =
  'import json, sys, importlib.util as u; print(json.dumps({"version": sys.version_info[:2], ' +
  '"torch": all(u.find_spec(m) is not None for m in ("torch", "numpy", "PIL"))}))';

interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a process to its end (a missing executable is status null). */
function run(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Finished> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', (e) => done({ status: null, stdout, stderr: `${stderr}${e.message}` }));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

async function probe(command: string): Promise<Interpreter | undefined> {
  const done = await run(command, ['-c', PROBE], { timeoutMs: 30_000 });
  if (done.status !== 0) return undefined;
  const facts = JSON.parse(done.stdout) as { version: [number, number]; torch: boolean };
  return { command, version: facts.version, torch: facts.torch };
}

let found: Promise<Interpreter[]> | undefined;

/** The usable interpreters, those with torch and numpy first. */
function interpreters(): Promise<Interpreter[]> {
  found ??= (async () => {
    const named = process.env['VERSO_PYTHON'];
    const candidates = named ? [named] : ['/usr/bin/python3', 'python3', 'python'];
    const usable = (await Promise.all(candidates.map(probe))).filter(
      (p): p is Interpreter => p !== undefined && (p.version[0] > 3 || p.version[1] >= 9),
    );
    return [...usable.filter((p) => p.torch), ...usable.filter((p) => !p.torch)];
  })();
  return found;
}
const MODULES = readdirSync(TESTS)
  .filter((f) => /^test_.*\.py$/.test(f))
  .map((f) => f.slice(0, -3))
  .sort();

async function interpreterFor(module: string): Promise<Interpreter> {
  const needsTorch = module.startsWith('test_torch');
  const usable = await interpreters();
  const chosen = needsTorch ? usable.find((p) => p.torch) : usable[0];
  if (!chosen)
    throw new Error(
      needsTorch
        ? `no Python 3.9+ with torch, numpy and Pillow for ${module} (tried ${process.env['VERSO_PYTHON'] ?? '/usr/bin/python3, python3, python'}): ` +
            'install python3-torch, python3-numpy and python3-pil (Debian), or set VERSO_PYTHON to an interpreter that has them'
        : `no Python 3.9 or newer found (tried ${process.env['VERSO_PYTHON'] ?? '/usr/bin/python3, python3, python'}): ` +
            'install python3, or set VERSO_PYTHON',
    );
  return chosen;
}

describe('the Python client (python/tests)', () => {
  it('has test modules', () => {
    expect(MODULES.length).toBeGreaterThan(3);
  });

  // Two modules at a time (each starts its own CLI processes and server); the timeout covers
  // the wait for a lane.
  for (const module of MODULES)
    it.concurrent(`${module}`, { timeout: 400_000 }, async () => {
      await lanes.enter();
      try {
        await runModule(module);
      } finally {
        lanes.leave();
      }
    });
});

/** A counting semaphore: at most `size` holders at once, the others wait in order. */
class Lanes {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}

  async enter(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((go) => this.waiting.push(go));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

const lanes = new Lanes(2);

async function runModule(module: string): Promise<void> {
  const python = await interpreterFor(module);
  const done = await run(python.command, ['-m', 'unittest', '-v', module], {
    cwd: TESTS,
    timeoutMs: 170_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', VERSO_BIN: '' },
  });
  const report = `${python.command} -m unittest ${module} (in python/tests):\n${done.stderr}${done.stdout}`;
  expect(done.status, report).toBe(0);
  expect(done.stderr, report).toMatch(/\nOK\s*$/);
  expect(done.stderr, `${report}\n(a skipped Python test fails the suite)`).not.toMatch(
    /skipped=|expected failures=/,
  );
}
