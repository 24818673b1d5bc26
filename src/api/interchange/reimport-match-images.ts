/**
 * Image sizes for importers whose files lack them (YOLO's normalised coordinates, a VOC
 * `<size>` of 0) (layer: api): from image files found by id (`--images DIR`, or files inside the
 * dataset), read by header only (`image-intake.ts`), else from the branch's asset record.
 */
import { relative, sep } from 'node:path';
import { stat } from 'node:fs/promises';
import { FormatParseError } from '../../core/errors.js';
import { InputFileError } from '../../io/io-errors.js';
import { ImageIdCollisionError } from '../images/image-errors.js';
import type { AssetRecord } from '../../dataset/asset-record.js';
import { probeImage } from '../images/image-intake.js';
import { imageIdOf, listImageSources } from '../images/image-sources.js';

export interface KnownImage {
  readonly width: number;
  readonly height: number;
  /** The asset record the import learnt (undefined when the size came from the branch). */
  readonly asset?: {
    readonly file_name: string;
    readonly width: number;
    readonly height: number;
    readonly media_type: string;
  };
}

/** Image files by id, under one root (their `file_name` is relative to it). */
export class ImageFiles {
  private constructor(
    private readonly root: string,
    private readonly byId: ReadonlyMap<string, readonly string[]>,
  ) {}

  static async ofFolder(dir: string): Promise<ImageFiles> {
    const st = await stat(dir).catch(() => undefined);
    if (!st?.isDirectory())
      throw new InputFileError(dir, st ? 'is not a folder' : 'no such folder');
    const byId = new Map<string, string[]>();
    for (const s of await listImageSources([dir]))
      byId.set(s.image, [...(byId.get(s.image) ?? []), s.path]);
    return new ImageFiles(dir, byId);
  }

  /** The folder of `--images`, when given. */
  static async ofOption(dir: string | undefined): Promise<ImageFiles | undefined> {
    return dir === undefined ? undefined : ImageFiles.ofFolder(dir);
  }

  static of(root: string, byId: ReadonlyMap<string, readonly string[]>): ImageFiles {
    return new ImageFiles(root, byId);
  }

  /** With `--images`, every image an annotation names must be there: else an error at the record. */
  require(id: string, file: string, record: string | number): void {
    if (!this.byId.has(id))
      throw new FormatParseError(
        file,
        record,
        'image',
        `no image file for image '${id}' under ${this.root}`,
      );
  }

  /** The header of image `id`, or undefined when no file has that id. */
  async read(id: string): Promise<KnownImage | undefined> {
    const paths = this.byId.get(id);
    if (!paths || paths.length === 0) return undefined;
    if (paths.length > 1) throw new ImageIdCollisionError(id, paths[0]!, paths[1]!);
    const path = paths[0]!;
    const fileName = relative(this.root, path).split(sep).join('/');
    const probed = await probeImage({
      path,
      fileName,
      image: imageIdOf(path),
      explicit: true,
      uri: path,
    });
    const { width, height, mediaType } = probed!.header;
    return { width, height, asset: { file_name: fileName, width, height, media_type: mediaType } };
  }
}

/** The first source that knows image `id`: the files in order, then the branch's record. */
export async function findImage(
  id: string,
  files: readonly ImageFiles[],
  stored: AssetRecord | undefined,
): Promise<KnownImage | undefined> {
  for (const f of files) {
    const found = await f.read(id);
    if (found) return found;
  }
  if (stored?.width !== undefined && stored.height !== undefined)
    return { width: stored.width, height: stored.height };
  return undefined;
}
