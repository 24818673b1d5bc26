/**
 * Reviews are the caller's (layer: server). A review written through the API is attributed by
 * the server: an edit line that sets a review (`"review": {...}` on a put or patch) gets the
 * caller's identity as `reviewer` and, unless it gives one, the server's time as `reviewed_at`;
 * a line that names another reviewer is refused (403 naming the line), and so is any review
 * change (`"review": null` too) by a token below the `review` role. Lines that are not JSON
 * objects pass unchanged: the verb reports them with their line number. Imports keep the
 * reviewers their records name, and so need the `review` role when they carry reviews.
 */
import { HttpRefusal } from './http-errors.js';
import { roleAllows, type Actor } from './request-auth.js';

export function reviewStamper(
  actor: Actor,
  now: () => string,
): (line: string, n: number) => string {
  return (line, n) => {
    // Every line is parsed: a text test for "review" would miss an escaped key ("r\u0065view").
    const record = parsedLine(line);
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return line;
    const fields = record as Record<string, unknown>;
    if (!('review' in fields)) return line;
    if (!roleAllows(actor.role, 'review'))
      throw new HttpRefusal(
        'FORBIDDEN',
        403,
        `request body:${n}: changing a review needs the 'review' role; token '${actor.tokenName ?? 'anonymous'}' has '${actor.role}'`,
        { line: n, role: actor.role, needs: 'review' },
      );
    const review = fields['review'];
    if (review === null || typeof review !== 'object' || Array.isArray(review)) return line;
    const r = review as Record<string, unknown>;
    if (r['reviewer'] !== undefined && r['reviewer'] !== actor.identity)
      throw new HttpRefusal(
        'FORBIDDEN',
        403,
        `request body:${n}: review by '${String(r['reviewer'])}' refused: reviews written with this token are by '${actor.identity}' (leave 'reviewer' out)`,
        { line: n, reviewer: r['reviewer'], identity: actor.identity },
      );
    fields['review'] = {
      ...r,
      reviewer: actor.identity,
      ...(r['reviewed_at'] === undefined ? { reviewed_at: now() } : {}),
    };
    try {
      return JSON.stringify(fields);
    } catch {
      // JSON.parse takes nesting JSON.stringify cannot write back (a RangeError).
      throw new HttpRefusal('BAD_REQUEST', 400, `request body:${n}: the record nests too deeply`, {
        line: n,
      });
    }
  };
}

/**
 * For imports, which keep the reviews their records carry (existing data: the reviewers are
 * history): a token below `review` may import labels but not reviews. Undefined when the caller
 * may import reviews (nothing to check).
 */
export function reviewImportGuard(actor: Actor): ((line: string, n: number) => string) | undefined {
  if (roleAllows(actor.role, 'review')) return undefined;
  return (line, n) => {
    const record = parsedLine(line);
    const review =
      record !== null && typeof record === 'object' && !Array.isArray(record)
        ? (record as Record<string, unknown>)['review']
        : undefined;
    if (review === undefined || review === null) return line;
    throw new HttpRefusal(
      'FORBIDDEN',
      403,
      `request body:${n}: importing reviews needs the 'review' role; token '${actor.tokenName ?? 'anonymous'}' has '${actor.role}' (import the labels without their reviews)`,
      { line: n, role: actor.role, needs: 'review' },
    );
  };
}

/** The line's JSON value, or undefined when it is not JSON (the verb reports it by line). */
function parsedLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A merge resolution's value (a label record) may carry a review: as for an apply, that needs the
 * review role and names the caller as reviewer (another name is refused).
 */
export function assertValueReview(request: { readonly actor: Actor }, value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  if (!('review' in value)) return;
  reviewStamper(request.actor, () => '')(JSON.stringify(value), 1);
}
