/**
 * Where a folder export writes (layer: api): a staging folder beside `--out`, renamed into
 * place when the export has finished, so a failed export (an image without a size, an image
 * without stored bytes for `--with-images`, a full disk) leaves nothing at `--out`.
 *
 * `--out` must be new or an empty folder (a non-empty one would mix stale files into a later
 * re-import); its parent folders are created. The staging folder is `.<name>.verso-<pid>-<n>`
 * in the same parent, so the final rename never crosses file systems.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';

export interface StagedFolder {
  /** Where the exporter writes. */
  readonly dir: string;
  /** Moves the staged folder to its final place. */
  publish(): void;
  /** Removes the staged folder (after an error). */
  discard(): void;
}

let staged = 0;

/**
 * What an output folder is, for its errors: the words (`what`) and the caller's input it came
 * from (`option`, the error's `data.option`: a surface names its own argument).
 */
export interface OutFolderRole {
  readonly what: string;
  readonly option: string;
}

const OUT: OutFolderRole = { what: 'output folder', option: 'out' };

/** Refuses a non-empty `out`, then stages a folder for it. */
export function stageOutFolder(out: string, role: OutFolderRole = OUT): StagedFolder {
  requireEmptyOrNew(out, role);
  const parent = dirname(out);
  mkdirSync(parent, { recursive: true });
  const dir = join(parent, `.${basename(out)}.verso-${process.pid}-${staged++}`);
  mkdirSync(dir);
  return {
    dir,
    publish() {
      if (existsSync(out)) rmdirSync(out);
      renameSync(dir, out);
    },
    discard() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An empty or new output folder; refusing a non-empty one keeps stale files out of a re-import. */
export function requireEmptyOrNew(out: string, role: OutFolderRole = OUT): void {
  if (existsSync(out) && !statSync(out).isDirectory())
    throw new InvalidArgumentError(role.what, out, 'is a file: name a new or empty folder', {
      option: role.option,
    });
  if (existsSync(out) && readdirSync(out).length > 0)
    throw new InvalidArgumentError(
      role.what,
      out,
      'exists and is not empty: name a new or empty folder',
      { option: role.option },
    );
}

/** Runs `write` into a staged folder for `out`; publishes on success, discards on error. */
export async function writeStaged<T>(
  out: string,
  write: (dir: string) => Promise<T>,
  role: OutFolderRole = OUT,
): Promise<T> {
  const stage = stageOutFolder(out, role);
  try {
    const result = await write(stage.dir);
    stage.publish();
    return result;
  } catch (e) {
    stage.discard();
    throw e;
  }
}
