/**
 * What an input path seems to be, for refusals that say so (layer: formats).
 *
 * When an importer is handed something it cannot read (a COCO results list to `import coco`, a
 * YOLO folder to `import coco`, a VOC XML to `import cvat`, a COCO file to `import labels`...),
 * the parser's own complaint ("expected a JSON object at the top level") does not tell the user
 * what to do. `misfiledInputError` looks at the path (a folder's entries, or a file's first 64
 * KiB) and, when it recognises a different kind of file, returns an error naming it, with the
 * reader of that kind in its `data` (`reader`, `readerArgs`: a surface words the command, e.g.
 * the CLI's hint "use `verso import coco`"; messages here name no command). Recognition is by structure only (root element, top-level members,
 * the first record's fields), never by file name alone; anything unrecognised returns
 * undefined and the parser's own error stands. Only called on the error path.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { FormatParseError, type VersoError } from '../core/errors.js';
import { InputFileError } from '../io/io-errors.js';
import { checkInputFile } from '../io/input-file.js';
import { readTextFile } from '../io/text-file.js';

/** The importers, by format (`edits` is an edit batch, applied rather than imported). */
export type InputFormat =
  'labels' | 'edits' | 'coco' | 'voc' | 'cvat' | 'label-studio' | 'yolo' | 'mot';

/** What takes an input: an importer, or another operation (image intake, schema creation, predictions). */
export type InputReader = InputFormat | 'images' | 'schema' | 'predictions';

export interface InputKind {
  /** A noun phrase: "a COCO results list (detections with scores)". */
  readonly what: string;
  /** The importer that reads it, if one does. */
  readonly format?: InputFormat;
  /** What to do, in the library's terms (no command names), if more than "use its reader". */
  readonly advice?: string;
  /** What takes this kind of input (the error's `data.reader`). */
  readonly reader?: InputReader;
  /** The arguments the reader is given, as a surface would show them (" DIR"). */
  readonly readerArgs?: string;
}

/** What each importer expects, for "not ...". */
const EXPECTED: Readonly<Record<InputFormat, string>> = {
  labels: 'a JSONL label file',
  edits: 'a JSONL edit batch',
  coco: 'a COCO instances file',
  voc: 'Pascal VOC XML',
  cvat: 'a CVAT for images 1.1 XML file',
  'label-studio': 'a Label Studio JSON export',
  mot: 'MOT Challenge ground truth (gt.txt)',
  yolo: 'a YOLO dataset',
};

const HEAD_BYTES = 64 * 1024;

/** Members a COCO file or a Label Studio task starts with. */
const TOP_MEMBERS = new Set([
  'info',
  'licenses',
  'images',
  'annotations',
  'categories',
  'type',
  'id',
  'data',
]);

export const COCO_PANOPTIC: InputKind = {
  what: 'a COCO panoptic file (segments_info with PNG masks)',
  advice:
    'panoptic segmentation is not supported: convert it to COCO instances (panopticapi converters/panoptic2detection_coco_format.py) and import that',
  reader: 'coco',
};

export const COCO_RESULTS: InputKind = {
  what: 'a COCO results list (detections with image_id, category_id and score)',
  advice:
    'importing predictions is not supported yet; record model outputs as predictions of a model, and import ground truth from a COCO instances file (with "images", "annotations" and "categories")',
  reader: 'predictions',
};

export const LABEL_STUDIO_VIDEO: InputKind = {
  what: 'a Label Studio video task export (videorectangle tracks)',
  advice:
    'Verso imports Label Studio image tasks; video tracking is not supported yet (extract the frames and annotate them as image tasks)',
};

/**
 * An error saying what `path` is and what reads it, when it is recognisably not `expected`;
 * undefined when it is not recognised (or is what `expected` reads).
 */
export function misfiledInputError(path: string, expected: InputFormat): VersoError | undefined {
  let kind: InputKind | undefined;
  let folder = false;
  try {
    folder = statSync(path).isDirectory();
    kind = folder ? folderKind(path) : fileKind(path);
  } catch {
    return undefined; // unreadable: the caller's own error says why
  }
  if (!kind || kind.format === expected) return undefined;
  return kindError(path, kind, expected, folder);
}

/**
 * "PATH document: this is KIND, not EXPECTED[: ADVICE]" (a folder: an `InputFileError`), with
 * `data.reader` (and `data.readerArgs`) naming what takes that kind of input.
 */
export function kindError(
  path: string,
  kind: InputKind,
  expected: InputFormat,
  folder = false,
): VersoError {
  const why = `this is ${kind.what}, not ${EXPECTED[expected]}${kind.advice ? `: ${kind.advice}` : ''}`;
  const data = {
    kind: kind.what,
    ...(kind.reader ? { reader: kind.reader } : {}),
    ...(kind.readerArgs ? { readerArgs: kind.readerArgs } : {}),
  };
  return folder
    ? new InputFileError(path, `is a folder: ${why}`, undefined, data)
    : new FormatParseError(path, 'document', null, why, data);
}

/**
 * `checkInputFile` for an importer that reads one file: a folder is refused with what it seems
 * to hold (a YOLO dataset, VOC XML files...) and the command for it. Returns the file's size.
 */
export function checkInputPath(path: string, expected: InputFormat): number {
  let folder = false;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    // missing or unreadable: checkInputFile says so
  }
  if (folder)
    throw misfiledInputError(path, expected) ?? new InputFileError(path, 'is a folder, not a file');
  return checkInputFile(path);
}

/** The text of an importer's input file (`checkInputPath`, then `readTextFile`'s UTF-8 rules). */
export function readInputText(path: string, expected: InputFormat): string {
  checkInputPath(path, expected);
  return readTextFile(path);
}

const use = (format: InputFormat, readerArgs?: string) => ({
  format,
  reader: format,
  ...(readerArgs ? { readerArgs } : {}),
});

/** A file's kind from its first bytes. */
export function fileKind(file: string): InputKind | undefined {
  const head = readHead(file);
  if (isImage(head))
    return { what: 'an image file', advice: 'add it as an image', reader: 'images' };
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start.startsWith('<')) return xmlKind(start);
  if (start.startsWith('{') || start.startsWith('[')) return jsonKind(start, head.length);
  if (/^\s*(names|nc|train|val|path|kpt_shape)\s*:/m.test(text) && /\.ya?ml$/i.test(file))
    return { what: 'a YOLO data.yaml', ...use('yolo') };
  if (/^\s*classes\s*:/m.test(text) && /\.(ya?ml|json)$/i.test(file))
    return {
      what: 'a schema file',
      advice: 'create a schema version from it',
      reader: 'schema',
    };
  const lines = start.split('\n', 4).filter((l) => l.trim() !== '');
  if (lines.length > 0 && lines.every((l) => /^\d+(\s+-?[\d.eE+-]+){4,}\s*$/.test(l.trim())))
    return {
      what: 'a YOLO label file',
      advice: 'import the dataset folder (with its data.yaml or obj.names)',
      reader: 'yolo',
      readerArgs: ' DIR',
    };
  return undefined;
}

function xmlKind(text: string): InputKind | undefined {
  const root = /<([A-Za-z_][\w.-]*)[\s>/]/.exec(
    text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''),
  );
  switch (root?.[1]) {
    case 'annotations':
      return text.includes('<track ')
        ? { what: 'a CVAT for video 1.1 export (tracks)', ...use('cvat') }
        : { what: 'a CVAT XML export', ...use('cvat') };
    case 'annotation':
      return { what: 'a Pascal VOC annotation', ...use('voc') };
    case 'View':
      return {
        what: 'a Label Studio labeling configuration, not annotations',
        advice: 'export the project as JSON and import that',
        reader: 'label-studio',
        readerArgs: ' FILE.json',
      };
    default:
      return undefined;
  }
}

function jsonKind(text: string, headBytes: number): InputKind | undefined {
  const newline = text.indexOf('\n');
  const line = tryParse(newline < 0 ? text : text.slice(0, newline));
  if (isObject(line) && 'image' in line && 'label' in line)
    return 'op' in line
      ? { what: 'a JSONL edit batch', ...use('edits') }
      : { what: 'a JSONL label file', ...use('labels') };
  // The whole document when it fits in the head, else only its text (member names).
  const whole = headBytes < HEAD_BYTES ? tryParse(text) : undefined;
  const named = (k: string) => text.includes(`"${k}"`);
  if (text.startsWith('[')) {
    const first = Array.isArray(whole) && isObject(whole[0]) ? whole[0] : undefined;
    const fields = (...ks: string[]) => ks.every((k) => (first ? k in first : named(k)));
    if (fields('data')) return labelStudio(text);
    if (fields('image_id', 'category_id')) return COCO_RESULTS;
    return undefined;
  }
  const obj = isObject(whole) ? whole : undefined;
  // Without the whole document, trust member names only after a first member a COCO file or a
  // Label Studio task starts with (a JSONL line may name anything further on).
  const first = /^\{\s*"([^"]*)"/.exec(text)?.[1] ?? '';
  const plausible = obj !== undefined || TOP_MEMBERS.has(first);
  const member = (k: string) => (obj ? k in obj : plausible && named(k));
  if (plausible && named('segments_info')) return COCO_PANOPTIC;
  if (member('images') || (member('annotations') && member('categories')))
    return { what: 'a COCO instances file', ...use('coco') };
  if (member('data') && (member('annotations') || member('predictions'))) {
    const task = labelStudio(text);
    return task.format
      ? {
          what: 'a single Label Studio task',
          advice: 'an export is a JSON list of tasks: wrap the task in [ ... ]',
          reader: 'label-studio',
        }
      : task;
  }
  return undefined;
}

function labelStudio(text: string): InputKind {
  if (/"video"\s*:|"type"\s*:\s*"video/.test(text)) return LABEL_STUDIO_VIDEO;
  return { what: 'a Label Studio JSON export', ...use('label-studio') };
}

/** A folder's kind from its entries (and its first level of subfolders). */
export function folderKind(dir: string): InputKind | undefined {
  const entries = readdirSync(dir);
  const has = (re: RegExp) => entries.some((e) => re.test(e));
  if (has(/^(data\.ya?ml|obj\.data|obj\.names|classes\.txt)$/) || entries.includes('labels'))
    return { what: 'a YOLO dataset folder', ...use('yolo') };
  if (entries.includes('annotations.xml'))
    return { what: 'a CVAT export folder', ...use('cvat', ' DIR/annotations.xml') };
  if (entries.includes('Annotations') || has(/\.xml$/i))
    return { what: 'a folder of Pascal VOC XML files', ...use('voc') };
  const json = entries.filter((e) => /\.json$/i.test(e));
  if (json.length > 0)
    return {
      what: `a folder (with ${json.slice(0, 3).join(', ')}${json.length > 3 ? ', ...' : ''})`,
      advice: 'name the annotation file itself',
    };
  return undefined;
}

function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

function isImage(b: Buffer): boolean {
  return (
    (b[0] === 0xff && b[1] === 0xd8) || // JPEG
    b.subarray(0, 4).toString('latin1') === '\x89PNG' ||
    b.subarray(0, 3).toString('latin1') === 'GIF' ||
    (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString() === 'WEBP')
  );
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
