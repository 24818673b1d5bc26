/**
 * The asset records of a few images (layer: ui/api): the pages that draw some images of a ref
 * (conflicts of a merge, the examples of an explanation) read just those records, one
 * `GET /assets/{image}` each, a few at a time, never every asset of the ref. An image with no
 * record there is left out of the map.
 */
import { ApiError, type ApiClient } from './client.js';
import type { Asset } from './types.js';

/** Requests in flight at once (the browser keeps about six connections per server). */
const PARALLEL = 6;

export async function assetsOf(
  client: ApiClient,
  repo: string,
  ref: string,
  images: Iterable<string>,
): Promise<Map<string, Asset>> {
  const wanted = [...new Set(images)];
  const out = new Map<string, Asset>();
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const image = wanted[next++]!;
      try {
        out.set(image, await client.asset(repo, ref, image));
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, wanted.length) }, worker));
  return out;
}
