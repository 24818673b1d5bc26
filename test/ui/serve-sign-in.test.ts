/**
 * The sign-in URL `verso serve` prints (Jupyter-style): serving one repository, the real
 * process prints `Web UI: <url>/r/<name>?token=...`; the token is the local author's, with the
 * admin role; opening the URL in Chromium signs in and drops the token from the address bar; the
 * token is revoked when the server stops. `--no-sign-in` prints no token.
 */
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  E2E_AUTHOR,
  expectOk,
  spawnVerso,
  useTempRoot,
  verso,
  waitFor,
  type RunningVerso,
} from '../e2e/helpers.js';
import { CHROMIUM, requireUiPrerequisites } from './ui-harness.js';

const temp = useTempRoot('ui-serve');

async function serving(run: RunningVerso, stdout: () => string): Promise<void> {
  await waitFor(() => stdout().includes('Verso serving') || run.exited(), 20_000);
  expect(run.exited(), 'verso serve exited early').toBe(false);
}

describe('verso serve: the sign-in URL', () => {
  it('prints a URL with a token for this run, which signs the browser in, and revokes it at stop', async () => {
    requireUiPrerequisites();
    const dir = join(temp.root(), 'photos');
    expectOk(await verso(['init', dir]));
    let out = '';
    const run = spawnVerso(['serve', '--port', '0'], { cwd: dir });
    run.child.stdout!.on('data', (s: string) => (out += s));
    try {
      await serving(run, () => out);
      await waitFor(() => out.includes('Web UI: '), 10_000);
      const url = /Web UI: (\S+)/.exec(out)![1]!;
      const { origin, pathname, searchParams } = new URL(url);
      expect(pathname).toBe('/r/photos');
      const token = searchParams.get('token')!;
      const who = await fetch(`${origin}/repos/photos/whoami`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(await who.json()).toMatchObject({ identity: E2E_AUTHOR, role: 'admin' });

      const browser = await chromium.launch({ executablePath: CHROMIUM });
      try {
        const page = await browser.newPage();
        await page.goto(url);
        await page.locator('.commit').first().waitFor();
        expect(page.url()).toBe(`${origin}/r/photos`);
        const signedInAs = page.getByLabel('signed in as');
        await signedInAs.filter({ hasText: 'admin' }).waitFor();
        expect(await signedInAs.textContent()).toBe(`${E2E_AUTHOR} admin`);
      } finally {
        await browser.close();
      }
    } finally {
      run.child.kill('SIGTERM');
      await run.done;
    }
    const tokens = expectOk(await verso(['token', 'list', '--json'], { cwd: dir }))
      .stdout.split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { name: string; status: string; role: string });
    expect(tokens.map((t) => [t.name.startsWith('serve-'), t.role, t.status])).toEqual([
      [true, 'admin', 'revoked'],
    ]);
  });

  it('prints no token with --no-sign-in', async () => {
    const dir = join(temp.root(), 'plain');
    expectOk(await verso(['init', dir]));
    let out = '';
    const run = spawnVerso(['serve', '--port', '0', '--no-sign-in'], { cwd: dir });
    run.child.stdout!.on('data', (s: string) => (out += s));
    try {
      await serving(run, () => out);
    } finally {
      run.child.kill('SIGTERM');
      await run.done;
    }
    expect(out).not.toContain('token=');
    expect(expectOk(await verso(['token', 'list', '--json'], { cwd: dir })).stdout.trim()).toBe('');
  });
});
