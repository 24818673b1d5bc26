/**
 * Hints for a ref name that names nothing (layer: vcs): a branch the ref log says was deleted
 * (with the command that restores it), else the existing refs whose names are close
 * ("did you mean 'main'?", `core/close-names.ts`).
 */
import { closeNames, didYouMean } from '../core/close-names.js';
import { RefNotFoundError } from './ref-errors.js';
import type { RefsCatalog } from '../catalog/refs-catalog.js';

/** A `RefNotFoundError` for `name` (as written in `spec`), with the hints that help. */
export async function refNotFound(
  catalog: RefsCatalog,
  name: string,
  spec: string = name,
  extra?: string,
): Promise<RefNotFoundError> {
  const refs = (await catalog.listRefs()).map((r) => r.name);
  const hints = [await deletedHint(catalog, name), didYouMean(closeNames(name, refs))];
  if (extra) hints.push(extra);
  const hint = hints.filter((h) => h !== '').join('; ');
  return new RefNotFoundError(spec, hint || undefined);
}

async function deletedHint(catalog: RefsCatalog, name: string): Promise<string> {
  const [last] = await catalog.readRefLog({ ref: name, limit: 1 });
  if (!last || last.kind !== 'branch' || last.to !== null || last.from === null) return '';
  return (
    `branch '${name}' was deleted at ${last.time} (it was at ${last.from}); ` +
    `\`verso branch create ${name} --from ${last.from.slice(0, 12)}\` restores it`
  );
}
