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
  /** `hint`: what the user may have meant or can do ("did you mean 'main'?"). */
  constructor(ref: string, hint?: string) {
    super('NotFound', 'REF_NOT_FOUND', `ref not found: '${ref}'${hint ? `; ${hint}` : ''}`, {
      ref,
      ...(hint ? { hint } : {}),
    });
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

/**
 * Bad content in an input file: names the file, the 1-based line (a number: `file:12`) or the
 * record (a string such as `annotations[12] (id 345)`: `file annotations[12] (id 345)`), and the
 * field.
 */
export class FormatParseError extends VersoError {
  constructor(file: string, line: number | string, field: string | null, why: string) {
    const at = typeof line === 'number' ? `${file}:${line}` : `${file} ${line}`;
    const where = `${at}${field ? ` field '${field}'` : ''}`;
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

/** A merge into the branch is already waiting for resolutions. */
export class MergeInProgressError extends VersoError {
  constructor(branch: string) {
    super(
      'Conflict',
      'MERGE_IN_PROGRESS',
      `a merge into '${branch}' is pending: see 'verso merge status --into ${branch}', then 'verso merge commit' or 'verso merge abort'`,
      { branch },
    );
  }
}

/** Someone else changed the pending merge between our read and our write. */
export class PendingMergeRaceError extends VersoError {
  constructor(branch: string) {
    super(
      'Conflict',
      'PENDING_MERGE_RACE',
      `the pending merge into '${branch}' was changed by another process; retry`,
      { branch },
    );
  }
}

/** No merge is pending for the branch. */
export class NoPendingMergeError extends VersoError {
  constructor(branch: string) {
    super('NotFound', 'NO_PENDING_MERGE', `no merge into '${branch}' is pending`, { branch });
  }
}

/** A merge stopped on conflicts (or possible duplicates); it is stored as a pending merge. */
export class MergeConflictError extends VersoError {
  constructor(branch: string, conflicts: number, duplicates: number) {
    const what = [
      conflicts ? `${conflicts} conflict${conflicts === 1 ? '' : 's'}` : '',
      duplicates ? `${duplicates} possible duplicate${duplicates === 1 ? '' : 's'}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    super(
      'Conflict',
      'MERGE_CONFLICT',
      `merge into '${branch}' stopped: ${what}; nothing moved. Inspect with 'verso merge status --into ${branch}', decide with 'verso merge resolve', then 'verso merge commit' (or 'verso merge abort')`,
      { branch, conflicts, duplicates },
    );
  }
}

/** A schema (taxonomy) or schema delta that breaks a rule; `field` is a path like `classes[2].parent`. */
export class SchemaInvalidError extends VersoError {
  constructor(field: string, why: string) {
    super('InvalidInput', 'SCHEMA_INVALID', `schema field '${field}': ${why}`, { field, why });
  }
}

/** Schema versions are immutable: the name is taken. */
export class SchemaVersionExistsError extends VersoError {
  constructor(version: string) {
    super(
      'AlreadyExists',
      'SCHEMA_VERSION_EXISTS',
      `schema version '${version}' already exists; versions are immutable, create a new one`,
      { version },
    );
  }
}

/** No schema version of that name (or none in force at the asked time). */
export class SchemaVersionNotFoundError extends VersoError {
  constructor(version: string) {
    super('NotFound', 'SCHEMA_VERSION_NOT_FOUND', `schema version not found: '${version}'`, {
      version,
    });
  }
}

/** Labels cannot be carried from one schema version to another without a review (or at all). */
export class SchemaProjectionError extends VersoError {
  constructor(from: string | null, to: string, why: string, blocking: readonly string[] = []) {
    const list = blocking.length ? `:\n  ${blocking.join('\n  ')}` : '';
    super(
      'Conflict',
      'SCHEMA_PROJECTION',
      `cannot read schema ${from ?? '(none)'} as ${to}: ${why}${list}`,
      { from, to, blocking },
    );
  }
}

/** A stored label that does not conform to a schema version (found when a branch adopts it). */
export class LabelSchemaError extends VersoError {
  constructor(image: string, label: string, field: string, why: string) {
    super(
      'InvalidInput',
      'LABEL_SCHEMA',
      `label (image '${image}', label '${label}') field '${field}': ${why}`,
      { image, label, field, why },
    );
  }
}

/** The destination branch moved while its merge was pending: committing would overwrite. */
export class MergeTargetMovedError extends VersoError {
  constructor(branch: string, expected: string, actual: string | null) {
    super(
      'Conflict',
      'MERGE_TARGET_MOVED',
      `branch '${branch}' moved while its merge was pending (merge started at ${expected.slice(0, 12)}, branch is now at ${actual ? actual.slice(0, 12) : 'nothing'}); nothing was committed. Run 'verso merge abort --into ${branch}' and merge again`,
      { branch, expected, actual },
    );
  }
}

/** `merge commit` with conflicts still undecided. */
export class UndecidedConflictsError extends VersoError {
  constructor(branch: string, ids: readonly string[]) {
    const shown =
      ids.slice(0, 10).join(', ') + (ids.length > 10 ? `, ... (${ids.length} in all)` : '');
    super(
      'Conflict',
      'UNDECIDED_CONFLICTS',
      `merge into '${branch}' has ${ids.length} undecided conflict${ids.length === 1 ? '' : 's'}: ${shown}; decide with 'verso merge resolve'`,
      { branch, ids },
    );
  }
}

/** A conflict id that the pending merge does not have. */
export class UnknownConflictError extends VersoError {
  constructor(branch: string, id: string) {
    super(
      'NotFound',
      'UNKNOWN_CONFLICT',
      `the pending merge into '${branch}' has no conflict '${id}' (see 'verso merge status --into ${branch}')`,
      { branch, id },
    );
  }
}

export function isVersoError(e: unknown): e is VersoError {
  return e instanceof VersoError;
}

/** An image file that cannot be added: not a supported image, a corrupt header, changed while read. */
export class ImageFileError extends VersoError {
  constructor(file: string, why: string) {
    super('InvalidInput', 'IMAGE_FILE', `${file}: ${why}`, { file, why });
  }
}

/** Two different images of one operation map to the same image id. */
export class ImageIdCollisionError extends VersoError {
  constructor(image: string, first: string, second: string) {
    super(
      'InvalidInput',
      'IMAGE_ID_COLLISION',
      `image id '${image}' is used by two different files: '${first}' and '${second}'`,
      { image, first, second },
    );
  }
}

/** An image id with no record in the `assets` tree of a snapshot. */
export class AssetNotFoundError extends VersoError {
  constructor(ref: string, image: string) {
    super('NotFound', 'ASSET_NOT_FOUND', `no asset '${image}' in ${ref}`, { ref, image });
  }
}

/**
 * A filter expression (`--where`) that does not parse, or names an unknown field. The message
 * shows the expression with a caret under the 1-based `column`.
 */
export class QuerySyntaxError extends VersoError {
  constructor(expression: string, column: number, why: string) {
    super(
      'InvalidInput',
      'QUERY_SYNTAX',
      `--where: ${why} at column ${column}\n  ${expression}\n  ${' '.repeat(Math.max(0, column - 1))}^`,
      { expression, column, why },
    );
  }
}

/** A lineage record (run, model, prediction, slice) that is not in the catalog. */
export class LineageRecordNotFoundError extends VersoError {
  constructor(kind: string, id: string) {
    super('NotFound', 'LINEAGE_NOT_FOUND', `no ${kind} '${id}'`, { kind, id });
  }
}

/** A lineage record whose id (or model name + version) is already taken. */
export class LineageRecordExistsError extends VersoError {
  constructor(kind: string, id: string) {
    super('AlreadyExists', 'LINEAGE_EXISTS', `${kind} '${id}' already exists`, { kind, id });
  }
}

/** `run finish` on a run that has already finished. */
export class RunFinishedError extends VersoError {
  constructor(id: string, status: string) {
    super('Conflict', 'RUN_FINISHED', `run '${id}' has already finished (${status})`, {
      id,
      status,
    });
  }
}

/** `explain` asked of a prediction or run that cannot answer it (no vector, other dimension). */
export class ExplainUnavailableError extends VersoError {
  constructor(prediction: string, why: string) {
    super('InvalidInput', 'EXPLAIN_UNAVAILABLE', `cannot explain ${prediction}: ${why}`, {
      prediction,
      why,
    });
  }
}

/** An image with no labels, or a label that is not on its image, at a ref (`verso blame`). */
export class LabelNotFoundError extends VersoError {
  constructor(ref: string, image: string, label?: string) {
    super(
      'NotFound',
      'LABEL_NOT_FOUND',
      label === undefined
        ? `no labels for image '${image}' in ${ref}`
        : `no label '${label}' on image '${image}' in ${ref}`,
      { ref, image, ...(label === undefined ? {} : { label }) },
    );
  }
}

/**
 * A change to a lineage record that others depend on: a finished run, a run's vectors and
 * example set, a registered model, a recorded prediction. They are immutable; a correction is a
 * new record (`hint` says which command makes it).
 */
export class LineageRecordImmutableError extends VersoError {
  constructor(kind: string, id: string, why: string, hint: string) {
    super(
      'Conflict',
      'LINEAGE_IMMUTABLE',
      `${kind} '${id}' ${why}; lineage records are immutable: ${hint}`,
      { kind, id, why },
    );
  }
}

/**
 * The repository's storage is damaged: a catalog or chunk store file that is missing, empty,
 * truncated or unreadable, or chunks that refs reach that are missing or corrupt. The operation
 * stopped before changing anything; `todo` says what the user can do.
 */
export class RepositoryDamagedError extends VersoError {
  constructor(what: string, todo: string, data: Record<string, unknown> = {}) {
    super('Corruption', 'REPOSITORY_DAMAGED', `${what}; nothing was changed. ${todo}`, data);
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

/** A branch deletion that needs `--force`: the default branch, or one with a pending merge. */
export class BranchDeleteRefusedError extends VersoError {
  constructor(branch: string, reason: string) {
    super(
      'Conflict',
      'BRANCH_DELETE_REFUSED',
      `not deleting branch '${branch}': ${reason}; nothing was changed (use --force to delete it anyway)`,
      { branch, reason },
    );
  }
}

/** Tags never move: deleting or moving one is refused. */
export class TagImmutableError extends VersoError {
  constructor(tag: string, target: string) {
    super(
      'Conflict',
      'TAG_IMMUTABLE',
      `tags never move: tag '${tag}' stays at ${target.slice(0, 12)}; create a new tag (or a branch) instead`,
      { tag, target },
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

/** An export that would write images without a width and height (COCO and VOC need them). */
export class ImagesWithoutSizeError extends VersoError {
  constructor(format: string, images: readonly string[], total: number) {
    const named = images.map((i) => `'${i}'`).join(', ');
    const more = total > images.length ? `, and ${total - images.length} more` : '';
    super(
      'InvalidInput',
      'IMAGES_WITHOUT_SIZE',
      `cannot export to ${format}: ${total} image${total === 1 ? ' has' : 's have'} no width/height (no asset record with a size): ${named}${more}; record their sizes ('verso add images DIR', or import the annotations with their image sizes), leave them out with --where, or export --format jsonl`,
      { format, images, total },
    );
  }
}
