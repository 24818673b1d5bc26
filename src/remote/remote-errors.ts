/**
 * Errors of the client side of remotes (layer: remote): a remote that cannot be reached or
 * answers outside the protocol, and a credentials file others can read.
 */
import { VersoError } from '../core/errors.js';

/** The remote could not be reached, or answered with something that is not the sync protocol. */
export class RemoteFailedError extends VersoError {
  constructor(url: string, why: string, data: Record<string, unknown> = {}) {
    super('Internal', 'REMOTE_FAILED', `remote ${url}: ${why}`, { url, why, ...data });
  }
}

/** The credentials file is readable by its group or by others. */
export class CredentialsInsecureError extends VersoError {
  constructor(file: string, mode: number) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    super(
      'InvalidInput',
      'CREDENTIALS_INSECURE',
      `credentials file ${file} is readable by others (mode ${octal}); it was not used`,
      { file, mode: octal },
    );
  }
}
