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

/** The command that takes an input of a recognised kind (`formats/file-kind.ts`, `data.reader`). */
const READER_COMMANDS: Readonly<Record<string, string>> = {
  labels: 'verso import labels',
  edits: 'verso apply',
  coco: 'verso import coco',
  voc: 'verso import voc',
  cvat: 'verso import cvat',
  'label-studio': 'verso import label-studio',
  yolo: 'verso import yolo',
  mot: 'verso import mot',
};

/** What to run for an input that another command takes (`data.reader`, `data.readerArgs`). */
function readerHint(d: ErrorData): string | undefined {
  const reader = d['reader'];
  if (typeof reader !== 'string') return undefined;
  if (reader === 'images') return 'add images with `verso add images`';
  if (reader === 'schema')
    return 'create a schema version with `verso schema create VERSION --from FILE`';
  if (reader === 'predictions')
    return 'record model outputs with `verso predict record --model M --file PREDICTIONS.jsonl`; import ground truth with `verso import coco`';
  const command = READER_COMMANDS[reader];
  const args = d['oneTask'] === true ? ' FILE --task ID' : text(d, 'readerArgs');
  return command ? `use \`${command}${args}\`` : undefined;
}

/** The option that lets a refused label through (`data.remedy`, `schema/label-validator.ts`). */
const REMEDY_HINTS: Readonly<Record<string, string>> = {
  allowUnknownImages: "add the image first ('verso add images'), or pass --allow-unknown-images",
  clip: '--clip clips geometry to the image',
};

/** An input file's problem: the option that lets it through, else the command that reads it. */
const inputHint: HintFor = (d) =>
  (typeof d['remedy'] === 'string' ? REMEDY_HINTS[d['remedy']] : undefined) ?? readerHint(d);

/** A bad argument: the option it came from (`data.option`), or what else the value names. */
const argumentHint: HintFor = (d) => {
  if (d['refKind'] === 'branch')
    return `a branch is deleted with 'verso branch delete ${text(d, 'value')}'`;
  if (d['missing'] === 'image-size')
    return 'record its size (verso add images, or import the annotations with --images)';
  if (d['missing'] === 'conflict-id') return 'name a conflict id, or pass --all';
  if (d['needs'] === 'catalog and store')
    return 'give both --catalog postgres://USER@HOST:PORT/DB and --store s3://BUCKET/PREFIX';
  if (typeof d['option'] !== 'string') return undefined;
  return typeof d['with'] === 'string'
    ? `--${d['option']} cannot be used with --${d['with']}`
    : `the value given with --${d['option']}`;
};

/** A ref that names nothing: how to restore a deleted branch, or create a missing one. */
const refHint: HintFor = (d) => {
  const name = text(d, 'name');
  const hints = [
    typeof d['deletedFrom'] === 'string'
      ? `\`verso branch create ${name} --from ${d['deletedFrom'].slice(0, 12)}\` restores it`
      : '',
    d['missingBranch'] === true ? `create it with \`verso branch create ${name}\`` : '',
  ].filter((h) => h !== '');
  return hints.length > 0 ? hints.join('; ') : undefined;
};

export const ERROR_HINTS: { readonly [C in ErrorCode]?: HintFor } = {
  FORMAT_PARSE: inputHint,
  INPUT_FILE: inputHint,
  INVALID_ARGUMENT: argumentHint,
  REF_NOT_FOUND: refHint,
  REPOSITORY_NOT_FOUND: () => "use --repo DIR, VERSO_REPO, or 'verso init'",
  REPOSITORY_EXISTS: (d) =>
    d['withoutCatalog'] === true
      ? "run 'verso recover' to rebuild its catalog from the commits in the chunk store"
      : d['attachable'] === true
        ? 'pass --attach to use that repository from this folder too'
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
  BLOB_FETCH_FAILED: (d) =>
    `start or reach the server at ${text(d, 'url')} (verso remote list shows the remotes), then run the command again`,
  TOKEN_NAME_TAKEN: (d) =>
    `revoke it with 'verso token revoke ${text(d, 'name')}', or choose another --name`,
  TOKEN_NOT_FOUND: () => "'verso token list' shows the tokens and which are active",
  BRANCH_NOT_PROTECTED: () => "'verso branch protection' lists the protected branches",
  MERGE_GATE_FAILED: (d) =>
    `fix the source branch and merge again; 'verso branch protection' shows the checks of ${text(d, 'branch')}`,
  WRITE_CONFLICT: (d) =>
    `see what changed with 'verso diff ${text(d, 'base').slice(0, 12)} ${text(d, 'branch')}', then apply the batch again on the new head`,
  SYNC_NON_FAST_FORWARD: () =>
    "run 'verso pull' to merge the remote's commits, then push again (or push --force-with-lease to replace them)",
  SYNC_REF_MOVED: () =>
    "the remote's branch moved since you last looked: run 'verso fetch', then retry",
  REMOTE_NOT_FOUND: () =>
    "add it with 'verso remote add NAME URL' ('verso remote list' shows them)",
  CREDENTIALS_INSECURE: (d) => `run 'chmod 600 ${text(d, 'file')}'`,
};

/** The hint for `e`: the table's, else the library's own suggestion (`data.hint`), if any. */
export function hintFor(e: VersoError): string | undefined {
  const fromTable = ERROR_HINTS[e.code]?.(e.data);
  if (fromTable) return fromTable;
  const fromData = e.data['hint'];
  return typeof fromData === 'string' && fromData !== '' ? fromData : undefined;
}
