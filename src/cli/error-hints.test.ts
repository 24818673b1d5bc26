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
import { FormatParseError, InvalidArgumentError, VersoError } from '../core/errors.js';
import { InputFileError } from '../io/io-errors.js';

const SRC = join(import.meta.dirname, '..');
/** A quoted string literal: quote, text (escapes kept). */
const STRING_LITERAL = /(['"`])((?:(?!\1)[^\\\n]|\\.)*)\1/g;

/**
 * Strings below the CLI that may still name a CLI option, by file, each with its reason.
 * Everything else below `src/cli/` words its messages without `verso <command>` or `--option`
 * (the CLI's hints, `error-hints.ts`, name them).
 */
const CLI_WORDING_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  // Written into the exported data.yaml as its provenance comment (pinned export bytes), not a message.
  'formats/yolo/write-yolo.ts': ['# Written by verso export --format yolo'],
};

/** Production modules of every layer below the CLI, relative to `src/`. */
function productionFilesBelowCli(): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(SRC, rel), { withFileTypes: true })) {
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        // The server is a surface beside the CLI, not below it: its route descriptions name the
        // CLI command each answers like (`as verso run list --json`).
        if (path !== 'cli' && path !== 'server') walk(path);
      } else if (
        /\.ts$/.test(path) &&
        !/\.test\.ts$|\.contract\.ts$|(^|\/)testing\.ts$|\.d\.ts$/.test(path)
      )
        out.push(path);
    }
  };
  walk('');
  return out;
}

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

  it('no layer below the CLI names a CLI command or option in its strings', () => {
    const offenders: string[] = [];
    for (const file of productionFilesBelowCli()) {
      const code = readFileSync(join(SRC, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const [, , text] of code.matchAll(STRING_LITERAL)) {
        const allowed = CLI_WORDING_ALLOWED[file];
        if (!/\bverso [a-z]/.test(text!) && !/(^|[\s(`'])--[a-z][a-z-]+/.test(text!)) continue;
        if (allowed?.some((a) => text!.includes(a))) continue;
        offenders.push(`${file}: ${text}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the scan sees command names and options in strings, not in comments', () => {
    const hits = (code: string) =>
      [...code.matchAll(STRING_LITERAL)].filter(
        ([, , t]) => /\bverso [a-z]/.test(t!) || /(^|[\s(`'])--[a-z][a-z-]+/.test(t!),
      ).length;
    expect(hits('throw new X(`run \\`verso index build\\``)')).toBe(1);
    expect(hits("why: 'or pass --allow-unknown-images'")).toBe(1);
    expect(hits("why: 'a-b--c is fine'")).toBe(0);
  });

  it('the hints the library no longer words: input readers, write remedies, refs, options', () => {
    const refused = new FormatParseError('x.jsonl', 3, 'image', 'no asset record', {
      remedy: 'allowUnknownImages',
    });
    expect(describeFailure(refused).stderr).toBe(
      "verso: error: x.jsonl:3 field 'image': no asset record\n" +
        "verso: hint: add the image first ('verso add images'), or pass --allow-unknown-images\n",
    );
    expect(hintFor(new FormatParseError('f', 1, 'bbox', 'outside', { remedy: 'clip' }))).toBe(
      '--clip clips geometry to the image',
    );
    const misfiled = new FormatParseError('f', 'document', null, 'this is a VOC file', {
      reader: 'voc',
    });
    expect(hintFor(misfiled)).toBe('use `verso import voc`');
    expect(hintFor(new InputFileError('d', 'is a folder', undefined, { reader: 'yolo', readerArgs: ' DIR' }))).toBe('use `verso import yolo DIR`');
    expect(hintFor(new FormatParseError('f', 1, 'task_id', 'x', { reader: 'cvat', oneTask: true }))).toBe('use `verso import cvat FILE --task ID`');
    const missing = new RefNotFoundError('mian', "did you mean 'main'?", { name: 'mian', missingBranch: true });
    expect(describeFailure(missing).stderr).toBe(
      "verso: error: ref not found: 'mian'; did you mean 'main'?\n" +
        'verso: hint: create it with `verso branch create mian`\n',
    );
    const deleted = new RefNotFoundError('old', undefined, { name: 'old', deletedFrom: 'ab'.repeat(32) });
    expect(hintFor(deleted)).toBe(`\`verso branch create old --from ${'ab'.repeat(6)}\` restores it`);
    expect(hintFor(new InvalidArgumentError('run parameter', 'x', 'expected KEY=VALUE', { option: 'param' }))).toBe('the value given with --param');
    expect(hintFor(new InvalidArgumentError('tag', 'dev', 'is a branch, not a tag', { refKind: 'branch' }))).toBe("a branch is deleted with 'verso branch delete dev'");
  }); // prettier-ignore
});
