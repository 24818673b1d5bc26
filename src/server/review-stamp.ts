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
    if (!line.includes('"review"')) return line;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      return line;
    }
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
    return JSON.stringify(fields);
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
    if (!line.includes('"review"')) return line;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      return line;
    }
    const review = (record as Record<string, unknown> | null)?.['review'];
    if (review === undefined || review === null) return line;
    throw new HttpRefusal(
      'FORBIDDEN',
      403,
      `request body:${n}: importing reviews needs the 'review' role; token '${actor.tokenName ?? 'anonymous'}' has '${actor.role}' (import the labels without their reviews)`,
      { line: n, role: actor.role, needs: 'review' },
    );
  };
}
