/**
 * The sign-in URL `verso serve` prints (layer: cli), as Jupyter's: serving one repository, the
 * command makes a token for this run (role admin, identity the local author: whoever can start
 * the server on the repository's folder owns it anyway), prints the web UI's address with it as
 * `?token=...` (the page stores it and drops it from the address bar), and revokes it when the
 * server stops. The token also expires after `SIGN_IN_TTL`, so a server killed before it could
 * revoke it leaves no lasting admin token. Names are `serve-<time>-<random>`, one per run.
 */
import { randomBytes } from 'node:crypto';
import type { RepositoryOptions } from '../../api/repository/index.js';

/** How long a sign-in token lives at most: a server that runs longer needs a restart or a token. */
export const SIGN_IN_TTL = '7d';

export interface SignIn {
  /** The token's name (revoked by `endSignIn`). */
  readonly name: string;
  readonly token: string;
}

export async function beginSignIn(dir: string, options: RepositoryOptions): Promise<SignIn> {
  const { openRepository } = await import('../../api/repository/index.js');
  const { createToken } = await import('../../api/access/index.js');
  const repo = await openRepository(dir, options);
  try {
    const stamp = repo.clock.now().toISOString().replace(/[-:]/g, '').slice(0, 15);
    const name = `serve-${stamp}-${randomBytes(3).toString('hex')}`;
    const created = await createToken(repo, {
      name,
      role: 'admin',
      identity: repo.identity.author,
      expires: SIGN_IN_TTL,
    });
    return { name, token: created.token };
  } finally {
    await repo.close();
  }
}

export async function endSignIn(dir: string, options: RepositoryOptions, signIn: SignIn) {
  const { openRepository } = await import('../../api/repository/index.js');
  const { revokeToken } = await import('../../api/access/index.js');
  const repo = await openRepository(dir, options);
  try {
    await revokeToken(repo, signIn.name);
  } finally {
    await repo.close();
  }
}

/** The web UI of repository `name` at `url`, signed in with `token`. */
export function signInUrl(url: string, name: string, token: string): string {
  return `${url}/r/${encodeURIComponent(name)}?token=${encodeURIComponent(token)}`;
}
