/**
 * An image with its labels drawn over it (layer: ui/overlays), shown at `displayWidth` ×
 * `displayHeight` (the asset's aspect ratio; the caller fits it). The element carries
 * `data-image-id`; the overlay's user space is the asset's `width` × `height`, so shapes scale
 * with the display. The picture (a thumbnail or the full file) is any size: it is stretched to
 * the same box. RLE masks are painted on a canvas under the overlay (`MaskLayer.tsx`).
 */
import type { ReactNode } from 'react';
import { LabelOverlay, type OverlayItem } from './LabelOverlay.js';
import { MaskLayer } from './MaskLayer.js';
import { useImageUrl } from './use-image-url.js';

interface ImageFrameProps {
  readonly imageId: string;
  /** The server path of the picture (thumbnail or blob), or undefined when there is none. */
  readonly picturePath: string | undefined;
  readonly width: number;
  readonly height: number;
  readonly displayWidth: number;
  readonly displayHeight: number;
  readonly items: readonly OverlayItem[];
  readonly alt: string;
  readonly onSelect?: (labelId: string) => void;
  readonly children?: ReactNode;
}

export function ImageFrame(props: ImageFrameProps) {
  const picture = useImageUrl(props.picturePath);
  return (
    <div
      className="image-frame"
      data-image-id={props.imageId}
      style={{ width: props.displayWidth, height: props.displayHeight }}
    >
      {picture.url ? (
        <img src={picture.url} alt={props.alt} draggable={false} />
      ) : (
        <div className="picture-missing" role="img" aria-label={props.alt}>
          {picture.failed ? 'image unavailable' : ''}
        </div>
      )}
      <MaskLayer width={props.width} height={props.height} items={props.items} />
      <LabelOverlay
        width={props.width}
        height={props.height}
        items={props.items}
        {...(props.onSelect ? { onSelect: props.onSelect } : {})}
      />
      {props.children}
    </div>
  );
}
