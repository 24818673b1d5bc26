/**
 * The server's public surface (layer: server): start a server (`startServer`, what `verso
 * serve` runs) or build the application without listening (`buildServer`, for `inject` in
 * tests and for embedding), over a `RepositoryHost`.
 */
export { startServer, type RunningServer, type StartOptions } from './serve.js';
export {
  buildServer,
  DEFAULT_SERVER_LIMITS,
  type ServerLimits,
  type ServerOptions,
  type VersoApp,
} from './server-app.js';
export { RepositoryHost, type HostSource } from './repository-host.js';
export { ROLES, roleAllows, type Actor, type Role, type TokenCheck } from './request-auth.js';
export { repositoryTokenCheck } from './token-check.js';
