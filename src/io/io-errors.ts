/**
 * Errors of the io layer (layer: io): input files that cannot be read, output paths that cannot be
 * written, a full disk.
 */
import { VersoError } from '../core/errors.js';

/** An input file that cannot be read (missing, a folder, no permission). */
export class InputFileError extends VersoError {
  /** `extra`: more `data` for a surface's hint (e.g. `reader`: what reads this input). */
  constructor(file: string, why: string, cause?: unknown, extra: Record<string, unknown> = {}) {
    super(
      'InvalidInput',
      'INPUT_FILE',
      `cannot read '${file}': ${why}`,
      { file, ...extra },
      { cause },
    );
  }
}

/** An output path that cannot be written (checked before an operation starts, or met while writing). */
export class OutputPathError extends VersoError {
  constructor(path: string, reason: string, cause?: unknown) {
    super(
      'InvalidInput',
      'OUTPUT_PATH',
      `cannot write '${path}': ${reason}`,
      { path, reason },
      { cause },
    );
  }
}

/** A write failed because the disk (or the user's quota) is full; nothing was changed. */
export class DiskFullError extends VersoError {
  constructor(where: string, data: Record<string, unknown> = {}, cause?: unknown) {
    super(
      'Internal',
      'DISK_FULL',
      `disk full while writing ${where}: nothing was changed; free space and retry`,
      { where, ...data },
      { cause },
    );
  }
}
