/**
 * An image with its labels drawn over it (layer: ui/overlays), shown at `displayWidth` ×
 * `displayHeight` (the asset's aspect ratio; the caller fits it). The element carries
 * `data-image-id`; the overlay's user space is the asset's `width` × `height`, so shapes scale
 * with the display. The picture (a thumbnail or the full file) is any size: it is stretched to
 * the same box, read by `<img>` itself (the repository's media cookie authorizes it: see
 * `api/client.ts`). RLE masks are painted on a canvas under the overlay (`MaskLayer.tsx`); a
 * crowded thumbnail (`dense`) draws its labels on one canvas instead of the SVG (`DenseLayer.tsx`).
 */
import { useState, type ReactNode } from 'react';
import { useMediaReady, useSession } from '../app/session-context.js';
import { DenseLayer } from './DenseLayer.js';
import { LabelOverlay, type OverlayItem } from './LabelOverlay.js';
import { MaskLayer } from './MaskLayer.js';

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
  /** Draw the labels on one canvas, not an SVG element each (crowded thumbnails: `DenseLayer`). */
  readonly dense?: boolean;
  readonly children?: ReactNode;
}

export function ImageFrame(props: ImageFrameProps) {
  const { client } = useSession();
  // The path that failed to load (a new path is tried afresh).
  const [failed, setFailed] = useState<string | undefined>();
  // Until the media cookie is set, an <img> would be refused: the picture waits for it.
  const path = useMediaReady() ? props.picturePath : undefined;
  return (
    <div
      className="image-frame"
      data-image-id={props.imageId}
      style={{ width: props.displayWidth, height: props.displayHeight }}
    >
      {path !== undefined && failed !== path ? (
        // Read by the browser with the repository's media cookie, decoded off the main thread.
        <img
          key={path}
          src={client.url(path)}
          alt={props.alt}
          decoding="async"
          draggable={false}
          onError={() => setFailed(path)}
        />
      ) : (
        <div className="picture-missing" role="img" aria-label={props.alt}>
          {path !== undefined && failed === path ? 'image unavailable' : ''}
        </div>
      )}
      <MaskLayer width={props.width} height={props.height} items={props.items} />
      {props.dense ? (
        <DenseLayer
          width={props.width}
          height={props.height}
          displayWidth={props.displayWidth}
          displayHeight={props.displayHeight}
          items={props.items}
        />
      ) : (
        <LabelOverlay
          width={props.width}
          height={props.height}
          items={props.items}
          {...(props.onSelect ? { onSelect: props.onSelect } : {})}
        />
      )}
      {props.children}
    </div>
  );
}
