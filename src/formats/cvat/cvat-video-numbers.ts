/**
 * How CVAT for video writes a keyframe's geometry (layer: formats): 2 decimals per number, a
 * box as xtl, ytl, xbr, ybr. Two shapes that render the same are the same shape to CVAT, so
 * the importer's keyframe reduction compares them this way, and the export writes them so.
 */
import type { GeometryField } from '../../dataset/track-record.js';

export function cvatGeometryNumbers(field: GeometryField, geometry: unknown): number[] {
  if (!Array.isArray(geometry)) return [];
  if (field === 'bbox') {
    const [x, y, w, h] = geometry as number[];
    return [x!, y!, x! + w!, y! + h!];
  }
  return (geometry as unknown[]).flat() as number[];
}

export const cvatNumber = (x: number) => x.toFixed(2);

export function renderCvatGeometry(field: GeometryField, geometry: unknown): string {
  return cvatGeometryNumbers(field, geometry).map(cvatNumber).join(',');
}
