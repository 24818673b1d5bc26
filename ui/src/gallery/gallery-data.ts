/**
 * What the gallery shows (layer: ui/gallery): the images of a ref with their labels. Without a
 * filter, every image that has an asset record (labelled or not); with one, the images that
 * have a label matching it, each with its matching labels only.
 */
import type { Asset, Label } from '../api/types.js';

export interface GalleryImage {
  readonly image: string;
  readonly asset: Asset | undefined;
  readonly labels: readonly Label[];
}

export function galleryImages(
  assets: readonly Asset[],
  labels: readonly Label[],
  filtered: boolean,
): GalleryImage[] {
  const byImage = new Map<string, Label[]>();
  for (const l of labels) {
    const list = byImage.get(l.image);
    if (list) list.push(l);
    else byImage.set(l.image, [l]);
  }
  const assetOf = new Map(assets.map((a) => [a.image, a]));
  if (filtered)
    return [...byImage].map(([image, ls]) => ({ image, asset: assetOf.get(image), labels: ls }));
  const out: GalleryImage[] = assets.map((a) => ({
    image: a.image,
    asset: a,
    labels: byImage.get(a.image) ?? [],
  }));
  // Labels on images without an asset record (allowed with --allow-unknown-images).
  for (const [image, ls] of byImage)
    if (!assetOf.has(image)) out.push({ image, asset: undefined, labels: ls });
  return out;
}
