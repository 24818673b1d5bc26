/**
 * The default token check (layer: server): a bearer secret is looked up among the tokens of the
 * repository the request addresses (`api/access`).
 */
import type { Repository } from '../api/repository/index.js';
import { HttpRefusal } from './http-errors.js';
import type { Actor, TokenCheck } from './request-auth.js';

export const repositoryTokenCheck: TokenCheck = async (
  _repo: Repository,
  _secret: string,
): Promise<Actor> => {
  throw new HttpRefusal('UNAUTHENTICATED', 401, 'unknown token');
};
