/**
 * Registering models over HTTP (layer: server): a model without a version gets the next integer
 * version of its name (registrations on one repository run one at a time, so two clients never
 * pick the same one), its artifact (a file hash or path) is kept as `metrics.artifact`, and a
 * model is named by id, `NAME@VERSION`, or a bare name meaning its latest version.
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listModels, registerModel, type ModelRecord } from '../../api/lineage/index.js';
import type { Repository } from '../../api/repository/index.js';
import { HttpRefusal } from '../http-errors.js';

/** A model given by id, NAME@VERSION, or a bare name (its latest version). */
export async function modelRef(repo: Repository, ref: string): Promise<string> {
  if (ref.includes('@')) return ref;
  const named = (await listModels(repo)).filter((m) => m.name === ref);
  return named.length > 0 ? named[named.length - 1]!.id : ref;
}

/** Registrations per repository, one at a time (a version is picked, then taken). */
const registering = new Map<string, Promise<unknown>>();

export async function registerWithVersion(
  repo: Repository,
  body: {
    name: string;
    run: string;
    version?: string | undefined;
    artifact?: string | undefined;
    metrics?: object | undefined;
  },
): Promise<ModelRecord> {
  const metrics: Record<string, unknown> = { ...body.metrics };
  if (body.artifact !== undefined) {
    if ('artifact' in metrics)
      throw new HttpRefusal(
        'BAD_REQUEST',
        400,
        "give the artifact once: as 'artifact' or as metrics.artifact, not both",
        { field: 'artifact' },
      );
    metrics['artifact'] = body.artifact;
  }
  const before = registering.get(repo.root) ?? Promise.resolve();
  const mine = before
    .catch(() => undefined)
    .then(async () => {
      const version = body.version ?? (await nextVersion(repo, body.name));
      const file = join(repo.scratchDir(), `metrics-${randomUUID()}.json`);
      await writeFile(file, JSON.stringify(metrics));
      try {
        return await registerModel(repo, {
          run: body.run,
          name: body.name,
          version,
          metricsFile: file,
        });
      } finally {
        await rm(file, { force: true });
      }
    });
  registering.set(repo.root, mine);
  try {
    return await mine;
  } finally {
    if (registering.get(repo.root) === mine) registering.delete(repo.root);
  }
}

async function nextVersion(repo: Repository, name: string): Promise<string> {
  let max = 0;
  for (const m of await listModels(repo))
    if (m.name === name && /^\d+$/.test(m.version)) max = Math.max(max, Number(m.version));
  return String(max + 1);
}
