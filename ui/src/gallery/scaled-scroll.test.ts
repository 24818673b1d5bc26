/**
 * The gallery's scaled scrolling (`scaled-scroll.ts`), as properties: below the cap it is the
 * identity; above it the spacer stays under the cap, the ends of the scroll range are the ends
 * of the content, the mapping never runs backwards, and `scrollTopFor` finds the position that
 * shows a content y (to within a scroll pixel's worth of content).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contentTopOf,
  MAX_SCROLL_HEIGHT,
  scrollHeightOf,
  scrollScale,
  scrollTopFor,
  type ScrollGeometry,
} from './scaled-scroll.js';

const geometryArb: fc.Arbitrary<ScrollGeometry> = fc.record({
  contentHeight: fc.integer({ min: 0, max: 2_000_000_000 }),
  viewHeight: fc.integer({ min: 100, max: 4000 }),
  maxScrollHeight: fc.integer({ min: 10_000, max: 40_000_000 }),
});

describe('scaled scrolling', () => {
  it('is the identity when the content fits under the cap', () => {
    fc.assert(
      fc.property(geometryArb, fc.double({ min: 0, max: 1, noNaN: true }), (g, at) => {
        fc.pre(g.contentHeight <= g.maxScrollHeight!);
        const y = at * Math.max(0, g.contentHeight - g.viewHeight);
        expect(scrollHeightOf(g)).toBe(g.contentHeight);
        expect(contentTopOf(y, g)).toBe(y);
        expect(scrollTopFor(y, g)).toBe(y);
      }),
    );
  });

  it('keeps the spacer under the cap and maps its ends onto the content’s ends, in order', () => {
    fc.assert(
      fc.property(
        geometryArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (g, a, b) => {
          fc.pre(g.contentHeight > g.maxScrollHeight!);
          const height = scrollHeightOf(g);
          expect(height).toBe(g.maxScrollHeight);
          const maxScroll = height - g.viewHeight;
          const maxContent = g.contentHeight - g.viewHeight;
          expect(contentTopOf(0, g)).toBe(0);
          expect(contentTopOf(maxScroll, g)).toBeCloseTo(maxContent, 3);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(contentTopOf(lo * maxScroll, g)).toBeLessThanOrEqual(
            contentTopOf(hi * maxScroll, g),
          );
          // The position found for a content y shows it at the top, within one scroll pixel.
          const y = a * maxContent;
          const scrollTop = Math.round(scrollTopFor(y, g));
          expect(Math.abs(contentTopOf(scrollTop, g) - y)).toBeLessThanOrEqual(scrollScale(g));
        },
      ),
    );
  });

  it('reaches the last row of a 10M-label gallery, which the cap would otherwise cut', () => {
    // 3.1M images in rows of five, 240 px a row: 149M px of content.
    const g = { contentHeight: Math.ceil(3_100_000 / 5) * 240, viewHeight: 700 };
    expect(scrollHeightOf(g)).toBe(MAX_SCROLL_HEIGHT);
    const lastRowTop = g.contentHeight - 240;
    const scrollTop = scrollTopFor(lastRowTop, g);
    expect(scrollTop).toBeLessThanOrEqual(MAX_SCROLL_HEIGHT - g.viewHeight);
    expect(contentTopOf(scrollTop, g) + g.viewHeight).toBeGreaterThanOrEqual(lastRowTop + 240);
  });
});
