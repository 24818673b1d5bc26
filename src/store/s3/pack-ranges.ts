/**
 * Which ranged GETs read a batch of records from an S3 pack store (layer: store; pure): the
 * records of each pack sorted by offset and merged into ranges (gaps up to 64 KiB, ranges up to
 * 8 MiB), and how many of those GETs to keep in flight.
 */
import type { Located, LivePack } from './s3-pack-manifest.js';

/** Records of one pack whose gap is at most this are merged... */
const COALESCE_GAP_BYTES = 64 * 1024;
/** ...into ranges of at most this. */
const MAX_RANGE_BYTES = 8 * 1024 * 1024;
/**
 * Ranged GETs in flight: as many as fit in `IN_FLIGHT_BYTES` of their largest range, between
 * `MIN_IN_FLIGHT` and `MAX_IN_FLIGHT`. A level of a diff or a batched mutation is a few hundred
 * scattered one-record ranges: all in flight at once, so the level costs one round trip, not
 * ranges/16 (a 500-edit diff on 100k labels waited on 17).
 */
const MIN_IN_FLIGHT = 16;
const MAX_IN_FLIGHT = 256;
const IN_FLIGHT_BYTES = 128 * 1024 * 1024;

/** One wanted chunk: its place in the answer, its hash, and where its record is. */
export interface FetchItem {
  readonly i: number;
  readonly hash: Uint8Array;
  readonly at: Located;
}

export interface FetchRange {
  readonly pack: LivePack;
  readonly start: number;
  /** Inclusive, as an HTTP Range. */
  readonly end: number;
  readonly items: FetchItem[];
}

/** Groups records by pack and merges neighbours into ranges. */
export function coalesce(items: readonly FetchItem[]): FetchRange[] {
  const byPack = new Map<string, FetchItem[]>();
  for (const item of items) {
    const list = byPack.get(item.at.pack.id) ?? [];
    list.push(item);
    byPack.set(item.at.pack.id, list);
  }
  const ranges: FetchRange[] = [];
  for (const list of byPack.values()) {
    list.sort((a, b) => a.at.ref.offset - b.at.ref.offset);
    let current: { pack: LivePack; start: number; end: number; items: FetchItem[] } | undefined;
    for (const item of list) {
      const { offset, length } = item.at.ref;
      const end = offset + length - 1;
      if (
        current &&
        offset - current.end - 1 <= COALESCE_GAP_BYTES &&
        Math.max(end, current.end) - current.start + 1 <= MAX_RANGE_BYTES
      ) {
        current.end = Math.max(current.end, end);
        current.items.push(item);
        continue;
      }
      current = { pack: item.at.pack, start: offset, end, items: [item] };
      ranges.push(current);
    }
  }
  return ranges;
}

/** How many of `ranges` to GET at once (see the module header). */
export function rangesInFlight(ranges: readonly FetchRange[]): number {
  const largest = Math.max(1, ...ranges.map((r) => r.end - r.start + 1));
  return Math.min(MAX_IN_FLIGHT, Math.max(MIN_IN_FLIGHT, Math.floor(IN_FLIGHT_BYTES / largest)));
}
