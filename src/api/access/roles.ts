/**
 * Roles of a repository's tokens, in order (layer: api): read < annotate (labels, branches) <
 * review (reviews, merges into protected branches) < admin (tokens, gc, branch protection,
 * delete). A role allows everything a lower one does.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { TokenRole } from '../../catalog/access-catalog.js';

export type Role = TokenRole;

/** Every role, lowest first. */
export const ROLES: readonly Role[] = ['read', 'annotate', 'review', 'admin'];

const RANK: Readonly<Record<Role, number>> = { read: 0, annotate: 1, review: 2, admin: 3 };

/** Whether a token of role `have` may do what needs role `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

/** `value` as a role; `InvalidArgumentError` (naming `option`) otherwise. */
export function parseRole(value: string, option = 'role'): Role {
  if (!isRole(value))
    throw new InvalidArgumentError('role', value, `expected one of ${ROLES.join(', ')}`, {
      option,
    });
  return value;
}
