/**
 * A YOLO dataset's configuration (layer: formats): class names, keypoint shape and splits, from
 * whichever of the usual layouts the path holds:
 * - Ultralytics / Roboflow `data.yaml` (or any single `*.yaml` in the folder, or the YAML file
 *   itself): `path`, `names` (a list or an index -> name map), `kpt_shape`, and `train`/`val`/
 *   `test` (a folder, a list file `*.txt`, or a list of either), relative to `path` (default:
 *   the YAML's folder); a `../x` that does not exist is also tried as `x` (Roboflow exports);
 * - darknet / CVAT "YOLO 1.1": `obj.data` (`names = data/obj.names`, `train = data/train.txt`;
 *   the leading `data/` is darknet's working folder and is dropped when the path does not exist);
 * - a bare `classes.txt` or `obj.names` (one name per line; no splits).
 * Text is read by `io/text-file.ts` (UTF-8, checked). A path that is none of these but looks
 * like another format (a COCO file, VOC XML, a single YOLO label file) is refused with what it
 * seems to be (`file-kind.ts`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { FormatParseError } from '../../core/errors.js';
import { InputFileError } from '../../io/io-errors.js';
import { jsonValueProblem } from '../../core/json-value-check.js';
import { readTextFile } from '../../io/text-file.js';
import { misfiledInputError } from '../file-kind.js';

export interface YoloSplit {
  readonly name: string;
  /** Image folders of the split (absolute). */
  readonly dirs: readonly string[];
  /** List files of the split: one image path per line (absolute). */
  readonly lists: readonly string[];
}

export interface YoloConfig {
  readonly root: string;
  /** The files the configuration came from (not label files). */
  readonly configFiles: readonly string[];
  /** Class name by index (a map may leave gaps). */
  readonly names: ReadonlyMap<number, string>;
  readonly namesFile: string;
  readonly kpt?: { readonly count: number; readonly dims: 2 | 3 };
  readonly splits: readonly YoloSplit[];
}

const SPLIT_KEYS = ['train', 'val', 'test'] as const;

export function readYoloConfig(path: string): YoloConfig {
  if (!existsSync(path)) throw new InputFileError(path, 'no such file or folder');
  if (statSync(path).isFile()) {
    if (/\.ya?ml$/i.test(path)) return fromYaml(path);
    if (basename(path) === 'obj.data') return fromDarknet(path);
    const misfiled = misfiledInputError(path, 'yolo');
    if (misfiled) throw misfiled;
    return fromNames(dirname(path), path);
  }
  const entries = readdirSync(path).sort();
  const yamls = entries.filter((e) => /\.ya?ml$/i.test(e));
  if (yamls.includes('data.yaml')) return fromYaml(join(path, 'data.yaml'));
  if (yamls.length === 1) return fromYaml(join(path, yamls[0]!));
  if (yamls.length > 1)
    throw new InputFileError(path, `several YAML files (${yamls.join(', ')}): name one`);
  if (entries.includes('obj.data')) return fromDarknet(join(path, 'obj.data'));
  for (const n of ['classes.txt', 'obj.names'])
    if (entries.includes(n)) return fromNames(path, join(path, n));
  throw (
    misfiledInputError(path, 'yolo') ??
    new InputFileError(path, 'no data.yaml, obj.data, classes.txt or obj.names in this folder')
  );
}

function fromYaml(file: string): YoloConfig {
  const text = readTextFile(file);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const msg = (e as Error).message;
    const line = e instanceof YAMLParseError ? e.linePos?.[0].line : undefined;
    const why = msg.includes('call stack')
      ? 'nested too deeply'
      : msg.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new FormatParseError(file, line ?? 'document', null, `not valid YAML (${why})`);
  }
  if (!isRecord(doc))
    throw (
      misfiledInputError(file, 'yolo') ??
      new FormatParseError(file, 'document', null, 'expected a YAML mapping')
    );
  const problem = jsonValueProblem(doc);
  if (problem) throw new FormatParseError(file, 'document', problem.field || null, problem.why);
  const base = typeof doc['path'] === 'string' && doc['path'] !== '' ? doc['path'] : '.';
  const root = resolve(dirname(file), base);
  const splits: YoloSplit[] = [];
  for (const key of SPLIT_KEYS) {
    const v = doc[key];
    if (v === undefined || v === null || v === '') continue;
    const items = Array.isArray(v) ? v : [v];
    if (!items.every((i) => typeof i === 'string'))
      throw new FormatParseError(file, key, key, 'expected a path or a list of paths');
    splits.push(
      splitOf(
        key,
        items.map((i) => locate(root, i as string)),
      ),
    );
  }
  return {
    root,
    configFiles: [file],
    names: yamlNames(file, doc['names']),
    namesFile: file,
    ...kptOf(file, doc['kpt_shape']),
    splits,
  };
}

function yamlNames(file: string, v: unknown): Map<number, string> {
  const names = new Map<number, string>();
  if (Array.isArray(v)) v.forEach((n, i) => names.set(i, String(n)));
  else if (isRecord(v)) {
    for (const [k, n] of Object.entries(v)) {
      if (!/^(0|[1-9][0-9]*)$/.test(k))
        throw new FormatParseError(file, 'names', `names.${k}`, 'class indices are integers >= 0');
      names.set(Number(k), String(n));
    }
  } else
    throw new FormatParseError(file, 'names', 'names', 'expected a list or a map of class names');
  return names;
}

function kptOf(file: string, v: unknown): Pick<YoloConfig, 'kpt'> {
  if (v === undefined || v === null) return {};
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    !Number.isSafeInteger(v[0]) ||
    (v[1] !== 2 && v[1] !== 3)
  )
    throw new FormatParseError(file, 'kpt_shape', 'kpt_shape', 'expected [keypoints, 2 or 3]');
  return { kpt: { count: v[0] as number, dims: v[1] as 2 | 3 } };
}

function fromDarknet(file: string): YoloConfig {
  const root = dirname(file);
  const values = new Map<string, string>();
  readTextFile(file)
    .split(/\r?\n/)
    .forEach((line) => {
      const eq = line.indexOf('=');
      if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    });
  const namesFile = locate(root, values.get('names') ?? 'obj.names');
  const splits: YoloSplit[] = [];
  for (const key of ['train', 'valid', 'test']) {
    const v = values.get(key);
    if (v) splits.push(splitOf(key === 'valid' ? 'val' : key, [locate(root, v)]));
  }
  return { ...fromNames(root, namesFile), configFiles: [file, namesFile], splits };
}

function fromNames(root: string, namesFile: string): YoloConfig {
  if (!existsSync(namesFile)) throw new InputFileError(namesFile, 'no such file');
  const names = new Map<number, string>();
  readTextFile(namesFile)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .forEach((n, i) => names.set(i, n));
  return { root, configFiles: [namesFile], names, namesFile, splits: [] };
}

function splitOf(name: string, paths: readonly string[]): YoloSplit {
  const lists = paths.filter((p) => /\.txt$/i.test(p));
  return { name, dirs: paths.filter((p) => !lists.includes(p)), lists };
}

/** `p` under `root`; a missing `../x` or `data/x` is tried as `x` (Roboflow, darknet). */
function locate(root: string, p: string): string {
  const direct = isAbsolute(p) ? p : resolve(root, p);
  if (existsSync(direct)) return direct;
  const stripped = p.replace(/^(\.\.\/)+/, '').replace(/^data\//, '');
  const alt = resolve(root, stripped);
  return existsSync(alt) ? alt : direct;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
