/**
 * The client side of remotes (layer: remote, between cli and api): the transport a remote URL
 * is reached by, with the token its credentials give. What the CLI's remote commands call
 * (lazily, `await import('../../remote/index.js')`).
 */
import type { SyncPeer } from '../api/sync/index.js';
import { tokenFor, type CredentialSources } from './credentials.js';
import { HttpSyncPeer } from './http-sync-peer.js';

export { HttpSyncPeer, type HttpSyncPeerOptions } from './http-sync-peer.js';
export { tokenFor, type CredentialSources } from './credentials.js';
export { CredentialsInsecureError, RemoteFailedError } from './remote-errors.js';

/** The peer at `url` (a repository's URL on a Verso server), authenticated when a token is known. */
export function connectRemote(url: string, credentials: CredentialSources): SyncPeer {
  const token = tokenFor(url, credentials);
  return new HttpSyncPeer(url, token === undefined ? {} : { token });
}
