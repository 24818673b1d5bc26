/**
 * The asset records of a few images (layer: ui/api): the pages that draw some images of a ref
 * (conflicts of a merge, the examples of an explanation) read just those records with
 * `POST /assets/lookup` (up to `LOOKUP_MAX` images a request), never every asset of the ref.
 * An image with no record there is left out of the map.
 */
import type { ApiClient } from './client.js';
import type { Asset } from './types.js';

/** Images a lookup request may name (the server's limit). */
const LOOKUP_MAX = 1000;

export async function assetsOf(
  client: ApiClient,
  repo: string,
  ref: string,
  images: Iterable<string>,
): Promise<Map<string, Asset>> {
  const wanted = [...new Set(images)];
  const out = new Map<string, Asset>();
  for (let i = 0; i < wanted.length; i += LOOKUP_MAX)
    for (const asset of await client.findAssets(repo, ref, wanted.slice(i, i + LOOKUP_MAX)))
      out.set(asset.image, asset);
  return out;
}
