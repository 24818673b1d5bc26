/**
 * Labels drawn over an image (layer: ui/overlays): one SVG whose user space is the image's own
 * pixel grid (`viewBox="0 0 W H"`, W×H from the asset record, not from the displayed file), laid
 * exactly over the displayed image, so every shape lands on the same pixels as the stored
 * coordinates at any display size; strokes keep their width at any scale. One `<g>` per label
 * carries `data-label-id` (its box is the `rect[data-shape=box]` inside), for selection and
 * tests.
 */
import { geometryOf, type Point } from './geometry.js';

export interface OverlayItem {
  /** Unique within the overlay (a diff draws a label's before and after). */
  readonly key: string;
  readonly labelId: string;
  readonly label: Readonly<Record<string, unknown>>;
  readonly color: string;
  readonly dashed?: boolean;
  /** `data-change` on the element (diff: added, removed, before, after). */
  readonly change?: string;
  readonly selected?: boolean;
  readonly title?: string;
}

interface LabelOverlayProps {
  readonly width: number;
  readonly height: number;
  readonly items: readonly OverlayItem[];
  readonly onSelect?: (labelId: string) => void;
}

export function LabelOverlay({ width, height, items, onSelect }: LabelOverlayProps) {
  return (
    <svg
      className="overlay"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      aria-hidden={onSelect ? undefined : true}
    >
      {items.map((item) => (
        <LabelShapes key={item.key} item={item} {...(onSelect ? { onSelect } : {})} />
      ))}
    </svg>
  );
}

function LabelShapes({ item, onSelect }: { item: OverlayItem; onSelect?: (id: string) => void }) {
  const g = geometryOf(item.label);
  const stroke = {
    stroke: item.color,
    strokeWidth: item.selected ? 4 : 2,
    vectorEffect: 'non-scaling-stroke' as const,
    ...(item.dashed ? { strokeDasharray: '6 4' } : {}),
  };
  const fill = item.selected ? `${item.color}33` : 'none';
  return (
    <g
      data-label-id={item.labelId}
      {...(item.change ? { 'data-change': item.change } : {})}
      className={item.selected ? 'label selected' : 'label'}
      onClick={onSelect ? () => onSelect(item.labelId) : undefined}
    >
      {item.title && <title>{item.title}</title>}
      {g.box && (
        <rect
          data-shape="box"
          x={g.box.x}
          y={g.box.y}
          width={g.box.width}
          height={g.box.height}
          fill={fill}
          {...stroke}
        />
      )}
      {g.polygons.map((ring, i) => (
        <polygon key={i} data-shape="polygon" points={pointsAttr(ring)} fill={fill} {...stroke} />
      ))}
      {g.skeleton.map(([a, b], i) => {
        const p = g.keypoints[a - 1];
        const q = g.keypoints[b - 1];
        return p && q ? (
          <line key={`s${i}`} x1={p.x} y1={p.y} x2={q.x} y2={q.y} {...stroke} />
        ) : null;
      })}
      {g.keypoints.map((p, i) =>
        p ? (
          <circle
            key={`k${i}`}
            data-shape="keypoint"
            cx={p.x}
            cy={p.y}
            r={3}
            fill={item.color}
            vectorEffect="non-scaling-stroke"
          />
        ) : null,
      )}
    </g>
  );
}

function pointsAttr(ring: readonly Point[]): string {
  return ring.map((p) => `${p.x},${p.y}`).join(' ');
}
