/**
 * The default token check (layer: server): a bearer secret is looked up, by its hash, among the
 * tokens of the repository the request addresses (`api/access`); unknown, revoked and expired
 * tokens are refused (401, `http-errors.ts`).
 */
import { authenticateToken } from '../api/access/index.js';
import type { Repository } from '../api/repository/index.js';
import type { Actor, TokenCheck } from './request-auth.js';

export const repositoryTokenCheck: TokenCheck = async (
  repo: Repository,
  secret: string,
): Promise<Actor> => {
  const t = await authenticateToken(repo, secret);
  return { identity: t.identity, tokenName: t.tokenName, role: t.role };
};
