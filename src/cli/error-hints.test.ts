/**
 * Hints by error code (`error-hints.ts`): the CLI prints what to do next after the error line and
 * puts it in the JSON envelope; the library's messages do not name CLI commands (the pure core
 * holds none at all); a suggestion the library computed (`data.hint`) is not printed twice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailure } from './failure.js';
import { hintFor } from './error-hints.js';
import { MergeConflictError } from '../api/merge/merge-errors.js';
import {
  BranchDeleteRefusedError,
  RepositoryDamagedError,
} from '../api/repository/repository-errors.js';
import { RefNotFoundError } from '../vcs/ref-errors.js';
import { VersoError } from '../core/errors.js';

describe('error hints', () => {
  it('a stopped merge: the message says what happened, the hint what to run', () => {
    const e = new MergeConflictError('main', 2, 0);
    expect(e.message).toBe(
      "merge into 'main' stopped: 2 conflicts; nothing moved, the merge is pending",
    );
    expect(e.message).not.toContain('verso ');
    const f = describeFailure(e);
    expect(f.exitCode).toBe(1);
    expect(f.stderr).toBe(
      `verso: error: ${e.message}\n` +
        "verso: hint: inspect with 'verso merge status --into main', decide with 'verso merge resolve', then 'verso merge commit' (or 'verso merge abort')\n",
    );
    expect(f.envelope).toEqual({
      code: 'MERGE_CONFLICT',
      category: 'Conflict',
      message: e.message,
      hint: hintFor(e),
      data: { branch: 'main', conflicts: 2, duplicates: 0 },
    });
  });

  it('hints follow the data: why a branch is not deleted, what to do with damage', () => {
    expect(hintFor(new BranchDeleteRefusedError('side', 'pending-merge'))).toContain(
      "'verso merge abort --into side'",
    );
    expect(hintFor(new BranchDeleteRefusedError('main', 'default-branch'))).toBe(
      'use --force to delete it anyway',
    );
    expect(hintFor(new RepositoryDamagedError('x', 'recover'))).toContain("Run 'verso recover'");
  });

  it("the library's own suggestion is the hint, printed once (it is in the message)", () => {
    const e = new RefNotFoundError('mian', "did you mean 'main'?");
    const f = describeFailure(e);
    expect(f.envelope?.hint).toBe("did you mean 'main'?");
    expect(f.stderr).toBe("verso: error: ref not found: 'mian'; did you mean 'main'?\n");
  });

  it('an error with no hint prints one line and no hint member', () => {
    const f = describeFailure(new VersoError('NotFound', 'ASSET_NOT_FOUND', 'no asset'));
    expect(f.stderr).toBe('verso: error: no asset\n');
    expect(f.envelope).not.toHaveProperty('hint');
  });

  it('the pure core names no CLI command', () => {
    const dir = join(import.meta.dirname, '..', 'core');
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.includes('.test.'))) {
      const code = readFileSync(join(dir, name), 'utf8').replace(/^\s*(\*|\/\/).*$/gm, '');
      expect(code, name).not.toMatch(/['"`][^'"`\n]*\bverso [a-z]/);
    }
  });
});
