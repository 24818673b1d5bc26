/**
 * The gate specs a protected branch can name (layer: api), parsed once where a rule is set
 * and again where it runs:
 * - `schema-valid`: every label of the candidate passes the write check (geometry, and its
 *   snapshot's schema version when it has one);
 * - `no-pending-reviews`: no review in the candidate has status `pending` or `needs_review`;
 * - `cmd:PATH`: an executable (relative paths against the repository root) run with the
 *   candidate's snapshot id and the repository URL; a non-zero exit blocks.
 */
import { InvalidArgumentError } from '../../core/errors.js';

export type GateCheck =
  | { readonly kind: 'schema-valid' }
  | { readonly kind: 'no-pending-reviews' }
  | { readonly kind: 'cmd'; readonly path: string };

export const GATE_CHECK_NAMES = ['schema-valid', 'no-pending-reviews', 'cmd:PATH'] as const;

export function parseGateCheck(spec: string): GateCheck {
  if (spec === 'schema-valid' || spec === 'no-pending-reviews') return { kind: spec };
  if (spec.startsWith('cmd:')) {
    const path = spec.slice('cmd:'.length);
    if (path.trim() === '' || path.includes('\0'))
      throw new InvalidArgumentError('check', spec, 'cmd: needs the path of an executable', {
        option: 'check',
      });
    return { kind: 'cmd', path };
  }
  throw new InvalidArgumentError('check', spec, `expected one of ${GATE_CHECK_NAMES.join(', ')}`, {
    option: 'check',
  });
}
