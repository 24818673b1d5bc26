/**
 * Typed errors (layer: core).
 *
 * Every error Verso raises on purpose is a `VersoError` with a machine-readable `code`, a
 * `category` and structured `data`. Surfaces map categories to exit codes / HTTP statuses in
 * one place (`cli/exit-codes.ts`); callers branch on classes or codes, never on messages.
 */

export type ErrorCategory =
  'NotFound' | 'AlreadyExists' | 'InvalidInput' | 'Conflict' | 'Corruption' | 'Internal';

export class VersoError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(
    category: ErrorCategory,
    code: string,
    message: string,
    data: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.category = category;
    this.code = code;
    this.data = data;
  }
}

/** A ref (branch, tag, commit id or prefix) that names nothing. */
export class RefNotFoundError extends VersoError {
  constructor(ref: string) {
    super('NotFound', 'REF_NOT_FOUND', `ref not found: '${ref}'`, { ref });
  }
}

/** A branch or tag that already exists where a new one was asked for. */
export class RefExistsError extends VersoError {
  constructor(ref: string) {
    super('AlreadyExists', 'REF_EXISTS', `ref already exists: '${ref}'`, { ref });
  }
}

/** A compare-and-swap on a ref lost a race: someone else moved it first. */
export class RefUpdateRaceError extends VersoError {
  constructor(ref: string, expected: string | null, actual: string | null) {
    super(
      'Conflict',
      'REF_UPDATE_RACE',
      `branch '${ref}' moved while this operation ran (expected ${expected ?? 'nothing'}, ` +
        `found ${actual ?? 'nothing'}); nothing was changed, retry on top of the new head`,
      { ref, expected, actual },
    );
  }
}

/** A short commit id that matches several commits. */
export class AmbiguousRefError extends VersoError {
  constructor(ref: string, candidates: readonly string[]) {
    super('InvalidInput', 'AMBIGUOUS_REF', `ref '${ref}' is ambiguous: ${candidates.join(', ')}`, {
      ref,
      candidates,
    });
  }
}

/** A malformed name, id or argument (not tied to an input file). */
export class InvalidArgumentError extends VersoError {
  constructor(what: string, value: unknown, why: string) {
    super('InvalidInput', 'INVALID_ARGUMENT', `invalid ${what} '${String(value)}': ${why}`, {
      what,
      value,
    });
  }
}

/** Bad content in an input file: names the file, the 1-based line (or record) and the field. */
export class FormatParseError extends VersoError {
  constructor(file: string, line: number, field: string | null, why: string) {
    const where = `${file}:${line}${field ? ` field '${field}'` : ''}`;
    super('InvalidInput', 'FORMAT_PARSE', `${where}: ${why}`, { file, line, field, why });
  }
}

/** An input file that cannot be read (missing, a folder, no permission). */
export class InputFileError extends VersoError {
  constructor(file: string, why: string, cause?: unknown) {
    super('InvalidInput', 'INPUT_FILE', `cannot read '${file}': ${why}`, { file }, { cause });
  }
}

/** A stored chunk is missing or its bytes do not hash to its key. */
export class CorruptionError extends VersoError {
  constructor(what: string, data: Record<string, unknown> = {}) {
    super('Corruption', 'CORRUPTION', what, data);
  }
}

/** The repository is locked by an operation that excludes this one (e.g. gc vs writers). */
export class RepositoryBusyError extends VersoError {
  constructor(why: string, data: Record<string, unknown> = {}) {
    super('Conflict', 'REPOSITORY_BUSY', why, data);
  }
}

/** No repository where one was looked for. */
export class RepositoryNotFoundError extends VersoError {
  constructor(searchedFrom: string) {
    super(
      'NotFound',
      'REPOSITORY_NOT_FOUND',
      `no Verso repository at or above '${searchedFrom}' (use --repo DIR, VERSO_REPO, or 'verso init')`,
      { searchedFrom },
    );
  }
}

export function isVersoError(e: unknown): e is VersoError {
  return e instanceof VersoError;
}
