/**
 * A command line that cannot be run as given (layer: cli): a missing or conflicting option, a
 * value that is not a number, an unknown command. Found after commander has parsed the line
 * (commander's own refusals are usage errors too); both exit 2.
 */
import { VersoError } from '../core/errors.js';

export class UsageError extends VersoError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('InvalidInput', 'USAGE', message, data);
  }
}
