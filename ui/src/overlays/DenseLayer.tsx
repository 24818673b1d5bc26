/**
 * A crowded thumbnail's labels on one canvas (layer: ui/overlays): boxes, polygons, skeletons
 * and keypoints stroked in their class colours at the displayed size (and the screen's pixel
 * ratio), from the same geometry the SVG overlay draws. A gallery thumbnail of an image with a
 * thousand boxes would otherwise be three thousand SVG elements, created, laid out and painted
 * in the frame the row scrolls in; one canvas costs a millisecond or two. Only thumbnails use it
 * (`ImageFrame`'s `dense`), above a number of labels the gallery sets; the image page always
 * draws one SVG element per label. The canvas carries `data-dense-labels` (how many it draws).
 */
import { useEffect, useRef } from 'react';
import { geometryOf, type Point } from './geometry.js';
import type { OverlayItem } from './LabelOverlay.js';

const KEYPOINT_RADIUS = 1.5;

export function DenseLayer({
  width,
  height,
  displayWidth,
  displayHeight,
  items,
}: {
  /** The image's own pixel grid (the asset record's size). */
  width: number;
  height: number;
  displayWidth: number;
  displayHeight: number;
  items: readonly OverlayItem[];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const ratio = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  const [pixelsWide, pixelsHigh] = [
    Math.round(displayWidth * ratio),
    Math.round(displayHeight * ratio),
  ];
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, pixelsWide, pixelsHigh);
    const [sx, sy] = [pixelsWide / width, pixelsHigh / height];
    const at = (p: Point): [number, number] => [p.x * sx, p.y * sy];
    context.lineWidth = Math.max(1, ratio);
    for (const item of items) {
      const g = geometryOf(item.label);
      context.strokeStyle = item.color;
      context.fillStyle = item.color;
      context.beginPath();
      if (g.box) context.rect(g.box.x * sx, g.box.y * sy, g.box.width * sx, g.box.height * sy);
      for (const ring of g.polygons) {
        ring.forEach((p, i) => (i === 0 ? context.moveTo(...at(p)) : context.lineTo(...at(p))));
        context.closePath();
      }
      for (const [a, b] of g.skeleton) {
        const [p, q] = [g.keypoints[a - 1], g.keypoints[b - 1]];
        if (!p || !q) continue;
        context.moveTo(...at(p));
        context.lineTo(...at(q));
      }
      context.stroke();
      for (const p of g.keypoints) {
        if (!p) continue;
        context.beginPath();
        context.arc(...at(p), KEYPOINT_RADIUS * ratio, 0, 2 * Math.PI);
        context.fill();
      }
    }
  }, [items, width, height, pixelsWide, pixelsHigh, ratio]);
  return (
    <canvas
      ref={canvas}
      className="dense-layer"
      width={pixelsWide}
      height={pixelsHigh}
      data-dense-labels={items.length}
      aria-hidden
    />
  );
}
