/**
 * What every page gets (layer: ui/app): the API client of the signed-in token and a way to
 * sign out; inside a repository, who the server says the token is there (identity and role),
 * which decides the write controls a page shows.
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

export const RepositoryContext = createContext<Whoami | null>(null);

/** The signed-in identity in the current repository. */
export function useWhoami(): Whoami {
  const whoami = useContext(RepositoryContext);
  if (!whoami) throw new Error('useWhoami outside a repository page');
  return whoami;
}

const ORDER: readonly Role[] = ['read', 'annotate', 'review', 'admin'];

export function roleAllows(have: Role, need: Role): boolean {
  return ORDER.indexOf(have) >= ORDER.indexOf(need);
}
