/**
 * What the user can do about an error, in the CLI's words (layer: cli): one table keyed by
 * `ErrorCode`. The layers below raise errors that say what happened in the library's terms;
 * the commands and options that get the user out (`verso merge abort`, `--force`, `--repo`)
 * are named here only, so the library, a server or another client can word their own.
 * `failure.ts` prints the hint on stderr after the message and puts it in the JSON envelope.
 *
 * A hint is a function of the error's `data`. Where the library itself knows a suggestion
 * (`data.hint`, e.g. "did you mean 'main'?" for a mistyped ref), that one is used when the table
 * has none.
 */
import type { ErrorCode, VersoError } from '../core/errors.js';

type ErrorData = Readonly<Record<string, unknown>>;
type HintFor = (data: ErrorData) => string | undefined;

const text = (data: ErrorData, key: string): string => String(data[key] ?? '');

/** `RepositoryDamagedError`'s `data.remedy` in words. */
const DAMAGE_REMEDIES: Readonly<Record<string, string>> = {
  'restore-or-reinit':
    "Restore .verso/ from a backup (or, if this repository never held data, remove .verso/ and run 'verso init')",
  recover:
    "Run 'verso recover' to rebuild its branches from the commits in the chunk store " +
    '(the damaged catalog is kept beside the new one); every other command refuses until then',
  'restore-chunks':
    'Chunks cannot be rebuilt from the catalog: restore .verso/chunks/ from a backup',
  'verify-and-restore': "Run 'verso verify' to list the damage, and restore .verso/ from a backup",
};

export const ERROR_HINTS: { readonly [C in ErrorCode]?: HintFor } = {
  REPOSITORY_NOT_FOUND: () => "use --repo DIR, VERSO_REPO, or 'verso init'",
  REPOSITORY_EXISTS: (d) =>
    d['withoutCatalog'] === true
      ? "run 'verso recover' to rebuild its catalog from the commits in the chunk store"
      : undefined,
  CORRUPTION: (d) =>
    d['hash'] !== undefined ? "run 'verso verify' to see what is affected" : undefined,
  REPOSITORY_DAMAGED: (d) =>
    typeof d['remedy'] === 'string' ? DAMAGE_REMEDIES[d['remedy']] : undefined,
  SCHEMA_PROJECTION: (d) =>
    d['from'] === null
      ? `adopt one first with 'verso migrate --branch B --to ${text(d, 'to')}'`
      : Array.isArray(d['blocking']) && d['blocking'].length > 0
        ? `run 'verso migrate --to ${text(d, 'to')}' on the branch and review the marked labels`
        : undefined,
  CATALOG_DAMAGED: () =>
    "Run 'verso recover' to rebuild the catalog's branches from the commits in the chunk store",
  MERGE_IN_PROGRESS: (d) =>
    `see 'verso merge status --into ${text(d, 'branch')}', then 'verso merge commit' or 'verso merge abort'`,
  MERGE_CONFLICT: (d) =>
    `inspect with 'verso merge status --into ${text(d, 'branch')}', decide with 'verso merge resolve', then 'verso merge commit' (or 'verso merge abort')`,
  MERGE_TARGET_MOVED: (d) => `run 'verso merge abort --into ${text(d, 'branch')}' and merge again`,
  UNDECIDED_CONFLICTS: () => "decide with 'verso merge resolve'",
  UNKNOWN_CONFLICT: (d) => `see 'verso merge status --into ${text(d, 'branch')}'`,
  BRANCH_DELETE_REFUSED: (d) =>
    d['refusal'] === 'pending-merge'
      ? `finish it with 'verso merge commit --into ${text(d, 'branch')}' or drop it with 'verso merge abort --into ${text(d, 'branch')}' (or use --force to delete it with its pending merge kept)`
      : 'use --force to delete it anyway',
  LINEAGE_IMMUTABLE: (d) =>
    d['kind'] === 'run'
      ? 'a correction is a new run (verso run start) with its own vectors'
      : `a correction is a new ${text(d, 'kind')}`,
  IMAGES_WITHOUT_SIZE: () =>
    "record their sizes ('verso add images DIR', or import the annotations with their image sizes), leave them out with --where, or export --format jsonl",
  EXPORT_IMAGE_MISSING: () => 'add its file (verso add images), or export without --with-images',
};

/** The hint for `e`: the table's, else the library's own suggestion (`data.hint`), if any. */
export function hintFor(e: VersoError): string | undefined {
  const fromTable = ERROR_HINTS[e.code]?.(e.data);
  if (fromTable) return fromTable;
  const fromData = e.data['hint'];
  return typeof fromData === 'string' && fromData !== '' ? fromData : undefined;
}
