/**
 * What every page gets (layer: ui/app): the API client of the signed-in token and a way to
 * sign out; inside a repository, who the server says the token is there (identity and role),
 * which decides the write controls a page shows, and whether its images can be shown yet.
 */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client.js';
import type { Role, Whoami } from '../api/types.js';

export interface Session {
  readonly client: ApiClient;
  signOut(message?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in app');
  return session;
}

/**
 * The current repository's session, asked for when the repository is entered, while its page
 * already loads its data: who the server says the token is (undefined until it has answered),
 * and whether `<img>` may read its images yet (the media cookie is set).
 */
export interface RepositorySession {
  readonly whoami: Whoami | undefined;
  readonly mediaReady: boolean;
}

export const RepositoryContext = createContext<RepositorySession | null>(null);

function useRepositorySession(): RepositorySession {
  const session = useContext(RepositoryContext);
  if (!session) throw new Error('a repository hook outside a repository page');
  return session;
}

/**
 * Whether the signed-in token's role here allows `need`: false until the server has said who
 * the token is, so write controls appear only once they are known to be allowed.
 */
export function useRoleAllows(need: Role): boolean {
  const { whoami } = useRepositorySession();
  return whoami !== undefined && roleAllows(whoami.role, need);
}

/** Whether this repository's images may be read by `<img>` yet. */
export function useMediaReady(): boolean {
  return useRepositorySession().mediaReady;
}

const ORDER: readonly Role[] = ['read', 'annotate', 'review', 'admin'];

export function roleAllows(have: Role, need: Role): boolean {
  return ORDER.indexOf(have) >= ORDER.indexOf(need);
}
