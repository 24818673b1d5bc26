/**
 * Names of a pack store's objects on S3 and what a LIST of them says (layer: store).
 *
 *   packs/t/<id>.pack, packs/t/<id>.idx   a pack and its index; `<id>` = 12 hex of the writer's
 *                                         clock (ms since 1970) + 16 random hex, so ids sort by
 *                                         the time they were written
 *   packs/r/<12 hex ms>-<id>              tombstone: the pack was retired at that time
 *   packs/<16 hex>.pack|.idx|.retired     the first layout (random ids, tombstone beside the
 *                                         pack): still read and swept, never written
 * Time-ordered names let a re-list ask only for what is new: LIST `packs/t/` and `packs/r/`
 * with StartAfter = the newest time seen minus a clock-skew window (`listStartAfter`), instead
 * of every pack and tombstone the store ever kept. One LIST of `packs/` still sees everything
 * (the full list: opening, gc, and the fallbacks of `S3PackChunkStore`).
 */
import { randomBytes } from 'node:crypto';
import { keyUnder, type S3Location } from './s3-location.js';
import type { ListedObject } from './s3-objects.js';

/** Hex digits of the time in a pack id or tombstone name (48 bits of ms: past the year 10,000). */
const TIME_HEX = 12;
const LEGACY = /(?:^|\/)packs\/([0-9a-f]{16})\.(pack|idx|retired)$/;
const TIMED = /(?:^|\/)packs\/t\/([0-9a-f]{28})\.(pack|idx)$/;
const TOMBSTONE = /(?:^|\/)packs\/r\/([0-9a-f]{12})-([0-9a-f]{16}|[0-9a-f]{28})$/;

/** Everything of the pack store (the full list) lives under this; new packs and tombstones under `TIMED_PACKS` and `TOMBSTONES`. */
export const PACKS = 'packs/';
export const TIMED_PACKS = 'packs/t/';
export const TOMBSTONES = 'packs/r/';

export type PackObjectKind = 'pack' | 'idx';

/** A new time-ordered pack id, written at `now`. */
export function newPackId(now = Date.now()): string {
  return timeHex(now) + randomBytes(8).toString('hex');
}

/** The name, under the store's prefix, of pack `id`'s pack or index object (either layout). */
export function packObjectName(id: string, kind: PackObjectKind): string {
  return id.length === 16 ? `${PACKS}${id}.${kind}` : `${TIMED_PACKS}${id}.${kind}`;
}

/** The full key of pack `id`'s pack or index object in the store at `location`. */
export function packObjectKey(location: S3Location, id: string, kind: PackObjectKind): string {
  return keyUnder(location, packObjectName(id, kind));
}

/** The name, under the store's prefix, of a tombstone for pack `id` written at `now`. */
export function tombstoneName(id: string, now = Date.now()): string {
  return `${TOMBSTONES}${timeHex(now)}-${id}`;
}

export interface ListedPack {
  pack?: ListedObject;
  idx?: ListedObject;
  /** Its tombstone, when retired. */
  tombstone?: ListedObject;
}

export interface PackListing {
  /** Every pack id the listed objects name, with its objects. */
  readonly packs: Map<string, ListedPack>;
  /** The newest time in a listed time-ordered pack id or tombstone name (0: none). */
  readonly newestPackMs: number;
  readonly newestTombstoneMs: number;
}

/** What `objects` (one or several LISTs under the store's prefix) say about the packs. */
export function readListing(objects: readonly ListedObject[]): PackListing {
  const packs = new Map<string, ListedPack>();
  const entry = (id: string) => {
    let e = packs.get(id);
    if (!e) packs.set(id, (e = {}));
    return e;
  };
  let newestPackMs = 0;
  let newestTombstoneMs = 0;
  for (const o of objects) {
    const timed = TIMED.exec(o.key);
    if (timed) {
      entry(timed[1]!)[timed[2] as PackObjectKind] = o;
      newestPackMs = Math.max(newestPackMs, parseInt(timed[1]!.slice(0, TIME_HEX), 16));
      continue;
    }
    const tomb = TOMBSTONE.exec(o.key);
    if (tomb) {
      entry(tomb[2]!).tombstone = o;
      newestTombstoneMs = Math.max(newestTombstoneMs, parseInt(tomb[1]!, 16));
      continue;
    }
    const legacy = LEGACY.exec(o.key);
    if (legacy) {
      const e = entry(legacy[1]!);
      if (legacy[2] === 'retired') e.tombstone = o;
      else e[legacy[2] as PackObjectKind] = o;
    }
  }
  return { packs, newestPackMs, newestTombstoneMs };
}

/**
 * The StartAfter of a re-list of `folder` (`TIMED_PACKS` or `TOMBSTONES`) that returns every
 * name written at or after `newestMs - skewMs`: what other writers (whose clocks may run up to
 * `skewMs` behind) added since a listing that saw `newestMs`.
 */
export function listStartAfter(folder: string, newestMs: number, skewMs: number): string {
  return folder + timeHex(Math.max(0, newestMs - skewMs));
}

function timeHex(ms: number): string {
  return Math.floor(ms).toString(16).padStart(TIME_HEX, '0');
}
