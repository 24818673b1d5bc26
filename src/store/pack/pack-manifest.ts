/**
 * The pack manifest: which packs are live, and which pack is the journal being appended to
 * (layer: store; pure).
 *
 * A small JSON document, replaced whole and atomically (write a temporary file, fsync, rename;
 * on an object store, one PUT): a pack is live exactly when the current manifest names it, so
 * a pack written but not yet listed (a crash mid-seal or mid-repack) is garbage, never data.
 *   { "format": "verso-packs", "version": 1, "packs": ["<id>", ...], "journal": "<id>" }
 * `packs` are sealed (each has an index `<id>.idx`); `journal` (embedded store only) has none and
 * is scanned on open. Ids are 16 lowercase hex digits.
 */

export interface PackManifest {
  readonly packs: readonly string[];
  readonly journal?: string;
}

const ID = /^[0-9a-f]{16}$/;

/** A manifest that does not parse; `why` says what is wrong. */
export class PackManifestError extends Error {}

export function isPackId(s: unknown): s is string {
  return typeof s === 'string' && ID.test(s);
}

export function encodePackManifest(manifest: PackManifest): Buffer {
  const doc = { format: 'verso-packs', version: 1, ...manifest };
  return Buffer.from(JSON.stringify(doc) + '\n', 'utf8');
}

export function parsePackManifest(bytes: Uint8Array): PackManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new PackManifestError(`not JSON (${(error as Error).message})`);
  }
  const d = doc as { format?: unknown; version?: unknown; packs?: unknown; journal?: unknown };
  if (typeof doc !== 'object' || doc === null || d.format !== 'verso-packs')
    throw new PackManifestError('not a pack manifest (format is not "verso-packs")');
  if (d.version !== 1) throw new PackManifestError(`unknown manifest version ${String(d.version)}`);
  if (!Array.isArray(d.packs) || !d.packs.every(isPackId))
    throw new PackManifestError('"packs" is not a list of pack ids');
  if (d.journal !== undefined && !isPackId(d.journal))
    throw new PackManifestError('"journal" is not a pack id');
  const packs = d.packs as string[];
  if (
    new Set(packs).size !== packs.length ||
    (d.journal !== undefined && packs.includes(d.journal))
  )
    throw new PackManifestError('a pack is listed twice');
  return d.journal === undefined ? { packs } : { packs, journal: d.journal };
}
