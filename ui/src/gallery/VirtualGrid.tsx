/**
 * A grid that renders only the rows in view (layer: ui/gallery): cells of a fixed size laid out
 * in as many columns as the width allows, inside a scrolling element whose full height is kept
 * by a spacer; only the visible rows, plus `OVERSCAN` rows above and below, are in the DOM, so a
 * gallery of millions of images costs what one screen costs.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

/** Rows kept beyond the visible ones, so a fast scroll does not show blanks. */
const OVERSCAN = 2;

interface VirtualGridProps<T> {
  readonly items: readonly T[];
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly keyOf: (item: T) => string;
  readonly renderCell: (item: T, index: number) => ReactNode;
  readonly label: string;
}

export function VirtualGrid<T>({
  items,
  cellWidth,
  cellHeight,
  keyOf,
  renderCell,
  label,
}: VirtualGridProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, width: 0, height: 0 });
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () =>
      setView({ top: el.scrollTop, width: el.clientWidth, height: el.clientHeight });
    measure();
    const resize = new ResizeObserver(measure);
    resize.observe(el);
    el.addEventListener('scroll', measure, { passive: true });
    return () => {
      resize.disconnect();
      el.removeEventListener('scroll', measure);
    };
  }, []);
  const columns = Math.max(1, Math.floor(view.width / cellWidth));
  const rows = Math.ceil(items.length / columns);
  const first = Math.max(0, Math.floor(view.top / cellHeight) - OVERSCAN);
  const last = Math.min(rows - 1, Math.ceil((view.top + view.height) / cellHeight) + OVERSCAN);
  const cells: ReactNode[] = [];
  for (let row = first; row <= last; row++)
    for (let col = 0; col < columns; col++) {
      const index = row * columns + col;
      const item = items[index];
      if (item === undefined) break;
      cells.push(
        <div
          key={keyOf(item)}
          className="grid-cell"
          role="listitem"
          style={{
            top: row * cellHeight,
            left: col * cellWidth,
            width: cellWidth,
            height: cellHeight,
          }}
        >
          {renderCell(item, index)}
        </div>,
      );
    }
  return (
    <div
      className="virtual-grid"
      ref={scroller}
      role="list"
      aria-label={label}
      data-total={items.length}
    >
      <div className="grid-spacer" style={{ height: rows * cellHeight }}>
        {cells}
      </div>
    </div>
  );
}
