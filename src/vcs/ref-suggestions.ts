/**
 * Hints for a ref name that names nothing (layer: vcs): a branch the ref log says was deleted
 * (when, and the commit it was at: `data.deletedFrom`, from which a surface words how to
 * restore it), else the existing refs whose names are close ("did you mean 'main'?",
 * `core/close-names.ts`). A caller that wanted a branch passes `{ missingBranch: true }`, so a
 * surface can say how to create it.
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
  wanted: { readonly missingBranch?: boolean } = {},
): Promise<RefNotFoundError> {
  const refs = (await catalog.listRefs()).map((r) => r.name);
  const deleted = await deletedBranch(catalog, name);
  const hints = [
    deleted ? `branch '${name}' was deleted at ${deleted.time} (it was at ${deleted.from})` : '',
    didYouMean(closeNames(name, refs)),
  ];
  if (extra) hints.push(extra);
  const hint = hints.filter((h) => h !== '').join('; ');
  return new RefNotFoundError(spec, hint || undefined, {
    name,
    ...(deleted ? { deletedFrom: deleted.from } : {}),
    ...(wanted.missingBranch ? { missingBranch: true } : {}),
  });
}

/** The last ref-log entry of `name` when it is a branch deletion. */
async function deletedBranch(
  catalog: RefsCatalog,
  name: string,
): Promise<{ time: string; from: string } | undefined> {
  const [last] = await catalog.readRefLog({ ref: name, limit: 1 });
  if (!last || last.kind !== 'branch' || last.to !== null || last.from === null) return undefined;
  return { time: last.time, from: last.from };
}
