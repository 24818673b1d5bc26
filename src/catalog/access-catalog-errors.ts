/**
 * Errors the access section of a catalog raises (layer: catalog), whatever its backend: a token
 * name already held by an active token, and a revoke of a name no active token holds.
 */
import { VersoError } from '../core/errors.js';

/** A new token's name is held by a token that is neither revoked nor expired. */
export class TokenNameTakenError extends VersoError {
  constructor(name: string) {
    super('AlreadyExists', 'TOKEN_NAME_TAKEN', `an active token is already named '${name}'`, {
      name,
    });
  }
}

/** No active (unrevoked) token has that name. */
export class TokenNotFoundError extends VersoError {
  constructor(name: string) {
    super('NotFound', 'TOKEN_NOT_FOUND', `no active token named '${name}'`, { name });
  }
}
