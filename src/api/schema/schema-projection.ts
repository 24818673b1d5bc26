/**
 * Reading labels "as schema X" (layer: api): a content mapper from a snapshot's schema
 * version to a descendant version, for `cat --schema` and the exporters.
 *
 * The mapper applies the renames and merges recorded between the two versions (see
 * `schema/projection.ts`); it is null when nothing needs mapping. It refuses, listing the
 * blocking ops, when a review op stands in the way, when X does not descend from the
 * snapshot's version, or when the snapshot has no schema at all.
 */
import { decodeValue, encodeValue } from '../../core/canonical.js';
import { SchemaProjectionError } from '../../schema/schema-errors.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { projectionTo, type LabelMapper } from '../../schema/projection.js';
import type { Repository } from '../repository/repository.js';
import { SchemaRegistry } from '../repository/schema-registry.js';

/** Maps a label's canonical content bytes to those of the same label under another version. */
export type ContentBytesMapper = (value: Uint8Array) => Uint8Array;

/** The mapper of decoded label content from version `from` to `to`; null: identity. */
export async function labelMapperBetween(
  repo: Repository,
  from: string | null,
  to: string,
): Promise<LabelMapper | null> {
  const registry = await SchemaRegistry.open(repo);
  registry.record(to);
  if (from === null)
    throw new SchemaProjectionError(
      null,
      to,
      'the snapshot has no schema version; a branch adopts one first',
    );
  if (from === to) return null;
  const projection = projectionTo(registry.stepsBetween(from, to));
  if (!projection.ok)
    throw new SchemaProjectionError(from, to, 'these ops need a review', projection.blocking);
  return projection.identity ? null : projection.map;
}

/** `labelMapperBetween` on canonical bytes (what tree values hold). */
export async function contentBytesMapper(
  repo: Repository,
  from: string | null,
  to: string,
): Promise<ContentBytesMapper | null> {
  const map = await labelMapperBetween(repo, from, to);
  if (!map) return null;
  return (value) => encodeValue(map(decodeValue(value) as LabelContent));
}
