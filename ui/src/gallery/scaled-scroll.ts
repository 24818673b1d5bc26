/**
 * Scrolling content taller than a browser lets an element be (layer: ui/gallery). Browsers cap
 * an element's height (Chromium near 33.5M CSS pixels, Firefox near 17.9M): a gallery of 3M
 * images (a 10M-label repository) at 240 px a row of five is 144M px, so a spacer of its real
 * height would be cut short and the last images never reached. Past `MAX_SCROLL_HEIGHT` the
 * scroller's height is capped and its scroll position maps linearly onto the content: the top
 * of the scroll range is the top of the content, the bottom the bottom, and every position in
 * between is reachable (a scroll step then moves the content `scale` times as far). Below the
 * cap the mapping is the identity.
 */

/** The tallest scroller used, CSS pixels: under every browser's limit (a 1M-label gallery, 15M px, still fits). */
export const MAX_SCROLL_HEIGHT = 16_000_000;

export interface ScrollGeometry {
  /** The content's real height. */
  readonly contentHeight: number;
  /** The scroller's visible height. */
  readonly viewHeight: number;
  /** The cap (tests pass small ones). */
  readonly maxScrollHeight?: number;
}

/** The height the scroller's spacer gets. */
export function scrollHeightOf(g: ScrollGeometry): number {
  return Math.min(g.contentHeight, g.maxScrollHeight ?? MAX_SCROLL_HEIGHT);
}

/** Content pixels per scroll pixel (1 when the content fits under the cap). */
export function scrollScale(g: ScrollGeometry): number {
  const height = scrollHeightOf(g);
  if (height >= g.contentHeight) return 1;
  const scrollRange = height - g.viewHeight;
  const contentRange = g.contentHeight - g.viewHeight;
  return scrollRange > 0 && contentRange > 0 ? contentRange / scrollRange : 1;
}

/** The content's y at the top of the view, for a scroll position. */
export function contentTopOf(scrollTop: number, g: ScrollGeometry): number {
  return scrollTop * scrollScale(g);
}

/** The scroll position that puts content y `contentTop` at the top of the view. */
export function scrollTopFor(contentTop: number, g: ScrollGeometry): number {
  const maxContentTop = Math.max(0, g.contentHeight - g.viewHeight);
  return Math.min(Math.max(contentTop, 0), maxContentTop) / scrollScale(g);
}
