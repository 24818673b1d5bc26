/**
 * The files an `add images` run looks at, from its command-line arguments (layer: api).
 *
 * An argument is a file or a folder, as a path or a `file:` URI. Folders are walked
 * recursively, entries sorted by name (bytewise) at each level, skipping hidden folders (`.git`, ...) and
 * symbolic links to folders (no cycles); whether a walked file is an image is decided later,
 * from its bytes. Each file gets:
 * - its image id: the base name without its last extension (`train/000001.jpg` -> `000001`);
 * - its `file_name`: the path relative to the folder argument (`/`-separated), or the base
 *   name for a file argument;
 * - whether it was named explicitly (then a non-image is an error, not a skip).
 * A file reached twice (overlapping arguments) is listed once.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '../../core/errors.js';
import { InputFileError } from '../../io/io-errors.js';
import { checkInputFile } from '../../io/input-file.js';

export interface ImageSource {
  /** Absolute path to read. */
  readonly path: string;
  readonly fileName: string;
  readonly image: string;
  readonly explicit: boolean;
  /** What a reference to this file records: its absolute path, or its `file:` URI. */
  readonly uri: string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

export function imageIdOf(fileName: string): string {
  const name = basename(fileName);
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

export async function listImageSources(args: readonly string[]): Promise<ImageSource[]> {
  const out: ImageSource[] = [];
  const seen = new Set<string>();
  const add = (s: ImageSource) => {
    if (seen.has(s.path)) return;
    seen.add(s.path);
    out.push(s);
  };
  for (const arg of args) {
    const { path, asUrl } = localPath(arg);
    const uriOf = (p: string) => (asUrl ? pathToFileURL(p).href : p);
    const st = await stat(path).catch(() => undefined);
    if (st?.isDirectory()) {
      for (const file of await walk(path))
        add({
          path: file,
          fileName: relative(path, file).split(sep).join('/'),
          image: imageIdOf(file),
          explicit: false,
          uri: uriOf(file),
        });
    } else {
      checkInputFile(path);
      add({
        path,
        fileName: basename(path),
        image: imageIdOf(path),
        explicit: true,
        uri: uriOf(path),
      });
    }
  }
  return out;
}

/** An argument as an absolute local path; `file:` URIs are accepted, other schemes are not. */
function localPath(arg: string): { path: string; asUrl: boolean } {
  const scheme = SCHEME.exec(arg)?.[1]?.toLowerCase();
  if (scheme === undefined) return { path: resolve(arg), asUrl: false };
  if (scheme !== 'file')
    throw new InvalidArgumentError(
      'image location',
      arg,
      'only local paths and file: URIs can be added (Verso must read the bytes to hash them)',
    );
  try {
    return { path: fileURLToPath(arg), asUrl: true };
  } catch (e) {
    throw new InputFileError(arg, (e as Error).message, e);
  }
}

/** Every regular file under `dir` (absolute paths), entries sorted by name at each level. */
async function walk(dir: string): Promise<string[]> {
  const files: string[] = [];
  const listed = await readdir(dir, { withFileTypes: true }).catch((e: unknown) => {
    throw new InputFileError(dir, `cannot list the folder (${(e as Error).message})`, e);
  });
  const entries = listed.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.')) files.push(...(await walk(path)));
    } else if (e.isFile()) files.push(path);
    else if (e.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile())
      files.push(path);
  }
  return files;
}
