/**
 * Dense masks under the SVG overlay (layer: ui/overlays): a canvas on the image's own pixel grid
 * (W×H from the asset record, stretched to the displayed size like the SVG), each RLE-masked
 * label's pixels filled with its colour, translucent. Canvas, not SVG: a mask is up to W×H
 * pixels, which as vector shapes would be thousands of elements. The canvas carries
 * `data-mask-labels` (the ids it paints).
 */
import { useEffect, useRef } from 'react';
import type { OverlayItem } from './LabelOverlay.js';
import { forEachMaskPixel, rleOf } from './rle.js';

const ALPHA = 110;

export function MaskLayer({
  width,
  height,
  items,
}: {
  width: number;
  height: number;
  items: readonly OverlayItem[];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const masked = items.filter((i) => rleOf(i.label['segmentation']) !== undefined);
  // Repainted only when what it shows changes (a gallery re-renders its cells as it scrolls).
  const signature = masked.map((i) => `${i.key}:${i.color}`).join('|');
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(width, height);
    for (const item of masked) {
      const rle = rleOf(item.label['segmentation'])!;
      const [r, g, b] = rgb(item.color);
      forEachMaskPixel(rle, (x, y) => {
        if (x >= width || y >= height) return;
        const o = (y * width + x) * 4;
        image.data[o] = r;
        image.data[o + 1] = g;
        image.data[o + 2] = b;
        image.data[o + 3] = ALPHA;
      });
    }
    context.putImageData(image, 0, 0);
  }, [width, height, signature]);
  if (masked.length === 0) return null;
  return (
    <canvas
      ref={canvas}
      className="mask-layer"
      width={width}
      height={height}
      data-mask-labels={masked.map((i) => i.labelId).join(' ')}
      aria-hidden
    />
  );
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1, 7), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
