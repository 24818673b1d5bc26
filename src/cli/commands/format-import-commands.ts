/**
 * `verso import yolo|voc|cvat|label-studio PATH [--branch B] [--images DIR] [-m MSG]
 * [--replace-all] [--clip] [--allow-unknown-images]` (layer: cli). One table row per format;
 * every importer takes the same options and returns the same result
 * (`api/reimport-match-import.ts`), printed the same way; `cvat` also takes `--task ID` and
 * `--video ID`, and `import mot` is a row of its own. A result is printed by its kind (labels,
 * annotators' labelings, video tracks): one renderer per kind (`RENDERERS`).
 */
import type { Command } from 'commander';
import type {
  FormatImportOptions,
  ImageImportResult,
  VideoImportResult,
} from '../../api/interchange/index.js';
import type { Repository } from '../../api/repository/index.js';
import { defineCommand, registerCommand, type CommandInput } from '../command-table.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../usage-error.js';
import {
  commitLine,
  counts,
  geometryLines,
  removedLines,
  importerOptions,
  importerTarget,
  type PolicyFlags,
} from './write-report.js';

interface FormatImport {
  readonly name: string;
  readonly what: string;
  readonly run: (
    repo: Repository,
    opts: FormatImportOptions & { readonly video?: string },
  ) => Promise<ImageImportResult | VideoImportResult>;
}

const FORMATS: readonly FormatImport[] = [
  {
    name: 'yolo',
    what: 'a YOLO dataset folder or its data.yaml / obj.data (detect, segment, pose)',
    run: async (repo, o) => (await import('../../api/interchange/index.js')).importYolo(repo, o),
  },
  {
    name: 'voc',
    what: 'Pascal VOC XML: one file, or a folder of them (searched recursively)',
    run: async (repo, o) => (await import('../../api/interchange/index.js')).importVoc(repo, o),
  },
  {
    name: 'cvat',
    what: 'a CVAT for images or CVAT for video 1.1 XML file (annotations.xml)',
    run: async (repo, o) => (await import('../../api/interchange/index.js')).importCvat(repo, o),
  },
  {
    name: 'label-studio',
    what: 'a Label Studio JSON export (a list of tasks)',
    run: async (repo, o) =>
      (await import('../../api/interchange/index.js')).importLabelStudio(repo, o),
  },
];

type FormatFlags = PolicyFlags & {
  branch: string;
  message?: string;
  images?: string;
  replaceAll?: boolean;
  task?: string;
  video?: string;
  annotator?: string;
  annotators?: boolean;
};

/** `--annotator NAME` and `--annotators` exclude each other and `--replace-all`. */
export function checkAnnotatorOptions(opts: {
  readonly annotator?: string;
  readonly annotators?: boolean;
  readonly replaceAll?: boolean;
}): void {
  if (opts.annotator !== undefined && opts.annotators)
    throw new UsageError('give --annotator NAME or --annotators, not both');
  if ((opts.annotator !== undefined || opts.annotators) && opts.replaceAll)
    throw new UsageError(
      "--annotator and --annotators replace annotators' labelings; they take no --replace-all",
    );
}

/** The table entry of one format importer. */
export function formatImportCommand(f: FormatImport) {
  return defineCommand({
    name: `${f.name} <path>`,
    description: `import ${f.what}: the images it covers get exactly its labels (see docs/formats.md)`,
    spec: (cmd) =>
      importerOptions(cmd, (c) =>
        c
          .option(
            '--images <dir>',
            'folder of the image files: sizes the annotation files lack; every image named must be there',
          )
          .option(
            '--annotator <name>',
            "the file is this annotator's labeling: stored beside the other annotators' (objects and annotations), the labels are not touched",
          )
          .option(
            '--annotators',
            "each label is its own annotator's labeling (Label Studio: the annotation's completed_by)",
          ),
      ),
    check: ({ opts }: CommandInput<FormatFlags>) => checkAnnotatorOptions(opts),
    repository: true,
    async run(repo, { args, opts }: CommandInput<FormatFlags>) {
      return f.run(repo, {
        path: args[0] as string,
        ...importerTarget(opts),
        ...(opts.annotator !== undefined
          ? { labelingOwner: { annotator: opts.annotator } }
          : opts.annotators
            ? { labelingOwner: { fromLabels: true as const } }
            : {}),
        ...(opts.images !== undefined ? { images: opts.images } : {}),
        ...(opts.task !== undefined ? { task: opts.task } : {}),
        ...(opts.video !== undefined ? { video: opts.video } : {}),
      });
    },
    render: (r, { opts }) => importLines(opts.branch, r),
  });
}

type ImportResult = ImageImportResult | VideoImportResult;
type AnnotatorsImportResult = ImageImportResult & {
  readonly labelings: NonNullable<ImageImportResult['labelings']>;
};

/** The kinds of import result, each printed its own way (`RENDERERS`). */
interface ResultKinds {
  readonly video: VideoImportResult;
  readonly annotators: AnnotatorsImportResult;
  readonly labels: ImageImportResult;
}

function kindOf(r: ImportResult): keyof ResultKinds {
  if ('kind' in r) return r.kind;
  return r.labelings ? 'annotators' : 'labels';
}

interface KindRenderer<R> {
  /** What the commit line says was imported. */
  readonly summary: (r: R) => string;
  /** Lines after the commit line. */
  readonly more?: (r: R) => string[];
}

/** What follows an image import's commit line: removed labels, geometry fixes. */
const imageMore = (r: ImageImportResult) => [
  ...removedLines(r.mode, r.removed),
  ...geometryLines(r.geometry),
];

/** One entry per kind of result: a new kind of import is one more entry (and `kindOf`). */
const RENDERERS: { readonly [K in keyof ResultKinds]: KindRenderer<ResultKinds[K]> } = {
  video: {
    summary: (r) =>
      `imported ${r.videos} video(s): ${r.records.tracks} tracks, ${r.records.keyframes} keyframes; tracks ${counts(r.tracks)}, keyframes ${counts(r.keyframes)}, assets ${counts(r.assets)}`,
  },
  annotators: {
    summary: (r) =>
      `imported ${r.images} images as annotators ${r.labelings.annotators.join(', ')}: objects ${counts(r.labelings.objects)}, annotations ${counts(r.labelings.annotations)}, assets ${counts(r.assets)}, splits ${counts(r.splits)}`,
    more: imageMore,
  },
  labels: {
    summary: (r) =>
      `imported ${r.images} images (${r.matched} labels matched to stored ones): labels ${counts(r.labels)}, reviews ${counts(r.reviews)}, assets ${counts(r.assets)}, splits ${counts(r.splits)}`,
    more: imageMore,
  },
};

/** The lines of any import's result: its commit line, then its kind's further lines. */
function importLines(branch: string, r: ImportResult): string[] {
  // `kindOf` picked the entry whose result type `r` is.
  const renderer = RENDERERS[kindOf(r)] as KindRenderer<ImportResult>;
  return [commitLine(branch, r, renderer.summary(r)), ...(renderer.more?.(r) ?? [])];
}

type MotFlags = { branch: string; message?: string; sequence?: string };

/** `verso import mot gt.txt|DIR`: one MOT Challenge sequence as a video's tracks. */
export const importMotCommand = defineCommand({
  name: 'mot <path>',
  description:
    "import a MOT Challenge sequence (gt/gt.txt, or its folder): the video's tracks become the file's (see docs/formats.md)",
  spec: (cmd) =>
    cmd
      .option('--branch <name>', 'branch to commit to', 'main')
      .option('-m, --message <msg>', 'commit message')
      .option(
        '--sequence <name>',
        "the sequence's name (default: seqinfo.ini's, else its folder's)",
      ),
  repository: true,
  async run(repo, { args, opts }: CommandInput<MotFlags>) {
    const { importMot } = await import('../../api/interchange/index.js');
    return importMot(repo, {
      path: args[0] as string,
      branch: opts.branch,
      ...(opts.message ? { message: opts.message } : {}),
      ...(opts.sequence !== undefined ? { sequence: opts.sequence } : {}),
    });
  },
  render: (r, { opts }) => importLines(opts.branch, r),
});

export function registerFormatImports(importGroup: Command, ctx: CliContext): void {
  for (const f of FORMATS) registerCommand(importGroup, ctx, formatImportCommand(f));
  registerCommand(importGroup, ctx, importMotCommand);
  importGroup.commands
    .find((c) => c.name() === 'cvat')
    ?.option('--task <id>', "a project export: import only this task's images (<image task_id>)")
    .option('--video <id>', "a video export: the video's id (default: its source file's name)");
}
