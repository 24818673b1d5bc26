/**
 * A grid that renders only the rows in view (layer: ui/gallery): cells of a fixed size laid out
 * in as many columns as the width allows, inside a scrolling element whose full height is kept
 * by a spacer; only the visible rows, plus `OVERSCAN` rows above and below, are in the DOM, so a
 * gallery of millions of images costs what one screen costs. The items need not all be loaded:
 * `itemAt` gives undefined for a cell whose page has not come (a placeholder is drawn), and
 * `onVisible` is told which cells are in view, so the caller fetches their pages.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

/** Rows kept beyond the visible ones, so a fast scroll does not show blanks. */
const OVERSCAN = 2;

interface VirtualGridProps<T> {
  /** Cells laid out (loaded or not). */
  readonly count: number;
  readonly itemAt: (index: number) => T | undefined;
  readonly onVisible?: (first: number, last: number) => void;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly keyOf: (item: T) => string;
  readonly renderCell: (item: T, index: number) => ReactNode;
  readonly label: string;
}

export function VirtualGrid<T>({
  count,
  itemAt,
  onVisible,
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
  const rows = Math.ceil(count / columns);
  const first = Math.max(0, Math.floor(view.top / cellHeight) - OVERSCAN);
  const last = Math.min(rows - 1, Math.ceil((view.top + view.height) / cellHeight) + OVERSCAN);
  const firstCell = first * columns;
  const lastCell = Math.min(count - 1, (last + 1) * columns - 1);
  useEffect(() => {
    if (view.width > 0 && lastCell >= firstCell) onVisible?.(firstCell, lastCell);
  }, [onVisible, firstCell, lastCell, view.width]);
  const cells: ReactNode[] = [];
  for (let index = firstCell; index <= lastCell; index++) {
    const row = Math.floor(index / columns);
    const col = index % columns;
    const item = itemAt(index);
    const style = {
      top: row * cellHeight,
      left: col * cellWidth,
      width: cellWidth,
      height: cellHeight,
    };
    cells.push(
      item === undefined ? (
        <div
          key={`pending-${index}`}
          className="grid-cell grid-cell-pending"
          role="listitem"
          aria-busy="true"
          style={style}
        />
      ) : (
        <div key={keyOf(item)} className="grid-cell" role="listitem" style={style}>
          {renderCell(item, index)}
        </div>
      ),
    );
  }
  return (
    <div className="virtual-grid" ref={scroller} role="list" aria-label={label} data-total={count}>
      <div className="grid-spacer" style={{ height: rows * cellHeight }}>
        {cells}
      </div>
    </div>
  );
}
