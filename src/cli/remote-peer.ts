/**
 * Reaching a remote from the CLI (layer: cli): the peer at a remote's URL with the credentials
 * of this invocation's environment (`VERSO_TOKEN`, the credentials file). Used by the remote
 * commands (clone, fetch, pull, push) and by opening a clone whose image bytes come on demand.
 */
import type { SyncPeer } from '../api/sync/index.js';
import type { CliEnvironment } from './environment.js';

export async function peerAt(url: string, env: CliEnvironment): Promise<SyncPeer> {
  const { connectRemote } = await import('../remote/index.js');
  return connectRemote(url, {
    ...(env.token !== undefined ? { token: env.token } : {}),
    ...(env.credentialsFile !== undefined ? { file: env.credentialsFile } : {}),
  });
}
