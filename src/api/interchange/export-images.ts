/**
 * `export --with-images` (layer: api): the image files of the exported images, placed in the
 * export's folder so it can be trained on as it is.
 *
 * Source of an image's bytes, from its asset record: `storage: "blob"` -> the BlobStore file
 * (`BlobStore.localPath`, else its bytes), `storage: "reference"` -> the file at `uri`. An image
 * with neither (metadata only, or labels without an asset) is an error naming it: the export
 * stages its folder (`export-out.ts`), so nothing is left at `--out`.
 *
 * Each file is hard-linked when the file system allows (no copy, no space), else copied. A
 * link to a BlobStore file shares its inode, so the link is made read-only (the blob's bytes
 * must never change; a tool that rewrites an image writes a new file instead). Links to
 * referenced files keep their mode: they are the user's own files.
 */
import { chmodSync, copyFileSync, linkSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '../../core/canonical.js';
import { VersoError } from '../../core/errors.js';
import type { ChunkHash } from '../../core/hash.js';
import type { Repository } from '../repository/repository.js';

type Obj = { readonly [k: string]: JsonValue };

export interface ImageFileCounts {
  /** Image files hard-linked into the export. */
  readonly linked: number;
  /** Image files copied (linking not possible, or a backend without local files). */
  readonly copied: number;
}

/** An exported image whose bytes Verso does not have. */
export class ExportImageMissingError extends VersoError {
  constructor(image: string, why: string) {
    super('InvalidInput', 'EXPORT_IMAGE_MISSING', `image '${image}' ${why}; nothing was written`, {
      image,
      why,
    });
  }
}

export class ImageFilePlacer {
  private linked = 0;
  private copied = 0;

  /** `blobsOnly`: images kept by reference (a path outside the repository) are refused. */
  constructor(
    private readonly repo: Repository,
    private readonly blobsOnly = false,
  ) {}

  /** Places the bytes of `image` (asset record `asset`) at `target`. */
  async place(image: string, asset: Obj | undefined, target: string): Promise<void> {
    mkdirSync(dirname(target), { recursive: true });
    const storage = asset?.['storage'];
    if (storage === 'blob' && typeof asset?.['sha256'] === 'string') {
      const hash = asset['sha256'] as ChunkHash;
      const path = await this.repo.blobs.localPath(hash);
      if (path !== undefined) return this.linkOrCopy(path, target, true);
      const bytes = await this.repo.blobs.get(hash);
      if (!bytes) throw new ExportImageMissingError(image, `has blob ${hash}, which is missing`);
      writeFileSync(target, bytes);
      this.copied++;
      return;
    }
    if (storage === 'reference' && typeof asset?.['uri'] === 'string') {
      const uri = asset['uri'];
      if (this.blobsOnly)
        throw new ExportImageMissingError(
          image,
          `is a reference to ${uri}, a file outside the repository, which this export does not read (only stored blobs)`,
        );
      const path = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
      if (!isFile(path))
        throw new ExportImageMissingError(image, `is a reference to ${uri}, which is not there`);
      return this.linkOrCopy(path, target, false);
    }
    throw new ExportImageMissingError(
      image,
      asset ? 'has no stored file (its asset record is metadata only)' : 'has no asset record',
    );
  }

  counts(): ImageFileCounts {
    return { linked: this.linked, copied: this.copied };
  }

  private linkOrCopy(source: string, target: string, readOnly: boolean): void {
    try {
      linkSync(source, target);
      if (readOnly) chmodSync(target, 0o444);
      this.linked++;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK' && code !== 'ENOTSUP') throw e;
      copyFileSync(source, target);
      this.copied++;
    }
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** An image's file name in an export: `<image><ext of file_name>` (`.jpg` without one). */
export function imageFileName(image: string, asset: Obj | undefined): string {
  const fileName = asset?.['file_name'];
  const dot = typeof fileName === 'string' ? fileName.lastIndexOf('.') : -1;
  const slash = typeof fileName === 'string' ? fileName.lastIndexOf('/') : -1;
  const ext = dot > slash + 1 ? (fileName as string).slice(dot) : '.jpg';
  return `${image}${ext}`;
}
