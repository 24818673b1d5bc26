/**
 * The committed kernel bytes are what the `.wat` source compiles to: `npm run build:wasm --
 * --check` rebuilds them with the `wabt` package and compares.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));

describe('simd-kernels.wasm.ts', () => {
  it('equals a fresh compile of simd-kernels.wat', async () => {
    const child = spawn(process.execPath, [SCRIPT, '--check'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
