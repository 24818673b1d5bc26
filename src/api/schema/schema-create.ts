/**
 * `verso schema create VERSION --from FILE [--parent P] [-m MSG]` (layer: api).
 *
 * Reads a JSON/YAML schema file, computes the new version's delta from its parent (explicit
 * `--parent`, else the file's `parent`, else the newest version; none for the first) and
 * stores it in the catalog. Versions are immutable: an existing name is refused, and so is a
 * version identical to its parent. Any problem in the file is reported as file:line field.
 */
import { FormatParseError, InvalidArgumentError } from '../../core/errors.js';
import { checkInputFile } from '../../io/input-file.js';
import { readTextFile } from '../../io/text-file.js';
import { deltaFromFile } from '../../schema/delta-hints.js';
import type { DeltaOp } from '../../schema/delta-ops.js';
import { readSchemaFile } from '../../schema/schema-file.js';
import { canonicalText, EMPTY_TAXONOMY } from '../../schema/taxonomy.js';
import { checkVersionName } from '../../schema/version-graph.js';
import { authorOf, timeOf } from '../repository/identity.js';
import type { Repository } from '../repository/repository.js';
import { SchemaRegistry } from '../repository/schema-registry.js';

export interface CreateSchemaOptions {
  readonly version: string;
  readonly file: string;
  readonly parent?: string;
  readonly message?: string;
}

export interface CreateSchemaResult {
  readonly version: string;
  readonly parent: string | null;
  readonly classes: number;
  readonly ops: readonly DeltaOp[];
}

export async function createSchemaVersion(
  repo: Repository,
  opts: CreateSchemaOptions,
): Promise<CreateSchemaResult> {
  const version = checkVersionName(opts.version);
  checkInputFile(opts.file);
  const reader = readSchemaFile(readTextFile(opts.file), opts.file);
  const file = reader.file;
  if (file.version !== undefined && file.version !== version)
    throw new FormatParseError(
      opts.file,
      1,
      'version',
      `the file is for version '${file.version}', not '${version}'`,
    );
  const registry = await SchemaRegistry.open(repo);
  const parent = opts.parent ?? file.parent ?? registry.latest()?.name ?? null;
  const parentTaxonomy = parent === null ? EMPTY_TAXONOMY : registry.taxonomy(parent);
  let applied;
  try {
    applied = deltaFromFile(parentTaxonomy, file.classes, file.ops);
  } catch (e) {
    throw reader.locate(e);
  }
  if (applied.ops.length === 0)
    throw new InvalidArgumentError(
      'schema version',
      version,
      `it is identical to its parent '${parent}'`,
    );
  await repo.catalog.createSchemaVersion({
    name: version,
    parent,
    delta: canonicalText(applied.ops),
    author: authorOf(repo),
    createdAt: timeOf(repo),
    message: opts.message ?? file.message ?? `Schema ${version}`,
  });
  return { version, parent, classes: applied.taxonomy.classes.length, ops: applied.ops };
}
