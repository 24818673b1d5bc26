/**
 * A grid that renders only the rows in view (layer: ui/gallery): cells of a fixed size laid out
 * in as many columns as the width allows, inside a scrolling element whose full height is kept
 * by a spacer; only the visible rows, plus `OVERSCAN` rows above and below, are in the DOM, so a
 * gallery of millions of images costs what one screen costs; content taller than a browser lets
 * an element be is scrolled through a scaled mapping (`scaled-scroll.ts`), and the drawn rows
 * are placed from the first of them, so no position grows past what layout can hold. The items
 * need not all be loaded:
 * `itemAt` gives undefined for a cell whose page has not come (a placeholder is drawn), and
 * `onVisible` is told which cells are in view, so the caller fetches their pages.
 *
 * Keyboard: each cell's link is a Tab stop; the arrow keys move to the cell beside, above or
 * below, Page Up / Page Down by a screen, Home / End to the first / last cell, scrolling it into
 * view (and so loading it) first and focusing it once it is drawn.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import {
  contentTopOf,
  scrollHeightOf,
  scrollTopFor,
  type ScrollGeometry,
} from './scaled-scroll.js';

/** Rows kept beyond the visible ones, so a fast scroll does not show blanks. */
const OVERSCAN = 2;

interface VirtualGridProps<T> {
  /** Cells laid out (loaded or not). */
  readonly count: number;
  readonly itemAt: (index: number) => T | undefined;
  /**
   * Told the cells in view, widened by `lookahead` cells in the direction of the last scroll
   * (none before the first), so the caller can fetch what comes next before it is on screen.
   */
  readonly onVisible?: (first: number, last: number) => void;
  readonly lookahead?: number;
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
  lookahead = 0,
  cellWidth,
  cellHeight,
  keyOf,
  renderCell,
  label,
}: VirtualGridProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const cellWindow = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, width: 0, height: 0, ahead: 0 });
  const columns = Math.max(1, Math.floor(view.width / cellWidth));
  const rows = Math.ceil(count / columns);
  const geometry: ScrollGeometry = { contentHeight: rows * cellHeight, viewHeight: view.height };
  const first = Math.max(0, Math.floor(view.top / cellHeight) - OVERSCAN);
  // What the scroll handler needs of the latest render (it is set up once).
  const latest = useRef({ geometry, first });
  latest.current = { geometry, first };
  /**
   * Places the drawn rows (positioned from the first of them) where the scroll position puts
   * them: on every scroll event, without a render. Identity mapping: the window sits at its
   * first row's offset; scaled (`scaled-scroll.ts`): it follows the content's exact top.
   */
  const placeWindow = useCallback(() => {
    const el = scroller.current;
    const win = cellWindow.current;
    if (!el || !win) return;
    const { geometry: g, first: firstRow } = latest.current;
    const offset = el.scrollTop + firstRow * cellHeight - contentTopOf(el.scrollTop, g);
    win.style.transform = `translateY(${offset}px)`;
  }, [cellHeight]);
  // Measured before the first paint, so the first render is of the cells really in view.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // The view is kept to whole rows: scrolling within a row changes nothing drawn, so it
    // renders nothing (a render a frame would cost frames on a slow machine). The size is
    // read when it changes (ResizeObserver), so a scroll event reads only `scrollTop`.
    let size = { width: el.clientWidth, height: el.clientHeight };
    const measure = () => {
      const exact = contentTopOf(el.scrollTop, latest.current.geometry);
      const top = Math.floor(exact / cellHeight) * cellHeight;
      setView((v) => {
        // +1 when the last move was down, -1 up; kept while the rows stay.
        const ahead = top === v.top ? v.ahead : Math.sign(top - v.top);
        const next = { top, ...size, ahead };
        return v.top === top && v.width === next.width && v.height === next.height ? v : next;
      });
      placeWindow();
    };
    measure();
    const resize = new ResizeObserver(() => {
      size = { width: el.clientWidth, height: el.clientHeight };
      measure();
    });
    resize.observe(el);
    el.addEventListener('scroll', measure, { passive: true });
    return () => {
      resize.disconnect();
      el.removeEventListener('scroll', measure);
    };
  }, [cellHeight, placeWindow]);
  // After each render the drawn rows may start elsewhere, or the content's height changed.
  useLayoutEffect(placeWindow);
  // +1: the view's top is rounded down to its row, so one more row may show at the bottom.
  const last = Math.min(rows - 1, Math.ceil((view.top + view.height) / cellHeight) + 1 + OVERSCAN);
  const firstCell = first * columns;
  const lastCell = Math.min(count - 1, (last + 1) * columns - 1);
  const [wantFirst, wantLast] = [
    view.ahead < 0 ? Math.max(0, firstCell - lookahead) : firstCell,
    view.ahead > 0 ? Math.min(count - 1, lastCell + lookahead) : lastCell,
  ];
  useEffect(() => {
    if (view.width > 0 && wantLast >= wantFirst) onVisible?.(wantFirst, wantLast);
  }, [onVisible, wantFirst, wantLast, view.width]);
  // The cell the keyboard moved to: focused as soon as it is drawn (its page may be loading).
  const [focusIndex, setFocusIndex] = useState<number | undefined>();
  useEffect(() => {
    if (focusIndex === undefined) return;
    const cell = scroller.current?.querySelector(`[data-index="${focusIndex}"]`);
    const target = cell?.querySelector<HTMLElement>('a, button, [tabindex]');
    if (target) {
      target.focus({ preventScroll: true });
      setFocusIndex(undefined);
    }
  });
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const el = scroller.current;
    const from = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!el || !from || e.altKey || e.ctrlKey || e.metaKey) return;
    const index = Number(from.dataset['index']);
    const screen = Math.max(1, Math.floor(el.clientHeight / cellHeight)) * columns;
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: columns,
      ArrowUp: -columns,
      PageDown: screen,
      PageUp: -screen,
      Home: -index,
      End: count - 1 - index,
    };
    const by = moves[e.key];
    if (by === undefined) return;
    e.preventDefault();
    const to = Math.min(count - 1, Math.max(0, index + by));
    // Content coordinates, mapped to the scroll position that shows them.
    const top = Math.floor(to / columns) * cellHeight;
    const shown = contentTopOf(el.scrollTop, geometry);
    if (top < shown) el.scrollTop = scrollTopFor(top, geometry);
    else if (top + cellHeight > shown + el.clientHeight)
      el.scrollTop = scrollTopFor(top + cellHeight - el.clientHeight, geometry);
    setFocusIndex(to);
  };
  const cells: ReactNode[] = [];
  for (let index = firstCell; index <= lastCell; index++) {
    const row = Math.floor(index / columns);
    const col = index % columns;
    const item = itemAt(index);
    // From the first drawn row: positions stay small however tall the content is.
    const style = {
      top: (row - first) * cellHeight,
      left: col * cellWidth,
      width: cellWidth,
      height: cellHeight,
    };
    cells.push(
      item === undefined ? (
        <div
          key={`pending-${index}`}
          data-index={index}
          className="grid-cell grid-cell-pending"
          role="listitem"
          aria-busy="true"
          style={style}
        />
      ) : (
        <div
          key={keyOf(item)}
          data-index={index}
          className="grid-cell"
          role="listitem"
          style={style}
        >
          {renderCell(item, index)}
        </div>
      ),
    );
  }
  return (
    <div
      className="virtual-grid"
      ref={scroller}
      role="list"
      aria-label={label}
      aria-keyshortcuts="ArrowUp ArrowDown ArrowLeft ArrowRight PageUp PageDown Home End"
      data-total={count}
      onKeyDown={onKeyDown}
    >
      <div className="grid-spacer" style={{ height: scrollHeightOf(geometry) }}>
        <div className="grid-window" ref={cellWindow}>
          {cells}
        </div>
      </div>
    </div>
  );
}
