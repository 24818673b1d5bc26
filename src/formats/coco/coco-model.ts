/**
 * COCO names shared by the reader and the writer (layer: formats).
 */
import type { JsonValue } from '../../core/canonical.js';

/** A COCO category as the file gives it; `keypoints`/`skeleton` for person-keypoint files. */
export interface CocoCategory {
  readonly id: number | string;
  readonly name: string;
  readonly supercategory?: string;
  readonly keypoints?: string[];
  readonly skeleton?: number[][];
  readonly [field: string]: JsonValue | undefined;
}

/** The Verso image id of a COCO `file_name`: its base name without the extension. */
export function cocoImageId(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Asset record fields that are Verso's own, not the COCO image's. */
export const VERSO_ASSET_FIELDS: ReadonlySet<string> = new Set(['source_id', 'storage', 'uri']);
