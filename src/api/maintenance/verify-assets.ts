/**
 * `verso verify --assets`: checks the bytes behind every asset record of the given refs
 * (layer: api).
 *
 * - `storage: "blob"`: the blob is in the BlobStore and its bytes hash to the record's `sha256`;
 * - `storage: "reference"`: the file at `uri` (an absolute path or a `file:` URI) exists and
 *   hashes to the `sha256` Verso verified when it was added;
 * - no storage (metadata only): nothing to check, counted.
 * Each distinct (storage, hash, location) is checked once, however many refs and images share
 * it; problems are collected (one per image and record), not thrown, so one run reports all.
 */
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapConcurrent } from '../../core/map-concurrent.js';
import { sha256Hex, type ChunkHash } from '../../core/hash.js';
import type { AssetRecord } from '../../dataset/asset-record.js';
import { listAssets, type AssetEntry } from '../read/assets.js';
import { hashFile } from '../images/image-intake.js';
import { throttled, type ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';

const CONCURRENCY = 8;

export interface AssetProblem {
  readonly ref: string;
  readonly image: string;
  readonly storage: 'blob' | 'reference';
  /** The blob hash (blob) or the referenced location (reference). */
  readonly uri: string;
  readonly expected: string;
  /** The hash of the bytes found; null when there are none. */
  readonly actual: string | null;
  readonly problem: string;
}

export interface VerifyAssetsResult {
  /** Asset records looked at, over all refs. */
  readonly assets: number;
  /** Distinct byte sources hashed. */
  readonly checked: number;
  readonly metadataOnly: number;
  readonly problems: readonly AssetProblem[];
}

interface Finding {
  readonly actual: string | null;
  readonly problem?: string;
}

export async function verifyAssets(
  repo: Repository,
  refs: readonly string[],
  onProgress?: ProgressFn,
): Promise<VerifyAssetsResult> {
  const findings = new Map<string, Promise<Finding>>();
  const reported = new Set<string>();
  const problems: AssetProblem[] = [];
  const progress = throttled(onProgress, 'assets', 1000);
  let assets = 0;
  let metadataOnly = 0;
  for (const ref of refs) {
    for await (const entries of listAssets(repo, ref)) {
      const found = await mapConcurrent(entries, CONCURRENCY, ({ image, record }: AssetEntry) =>
        checkEntry(repo, findings, ref, image, record),
      );
      assets += entries.length;
      for (const p of found) {
        if (p === 'metadata-only') metadataOnly++;
        else if (p && !reported.has(`${p.image}\0${p.uri}\0${p.expected}`)) {
          reported.add(`${p.image}\0${p.uri}\0${p.expected}`);
          problems.push(p);
        }
      }
      progress.tick(assets);
    }
  }
  progress.end(assets);
  return { assets, checked: findings.size, metadataOnly, problems };
}

/** The entry's problem (its bytes checked once per distinct source), if any. */
async function checkEntry(
  repo: Repository,
  findings: Map<string, Promise<Finding>>,
  ref: string,
  image: string,
  record: AssetRecord,
): Promise<AssetProblem | 'metadata-only' | undefined> {
  if (record.storage === undefined || record.sha256 === undefined) return 'metadata-only';
  const uri = record.storage === 'blob' ? record.sha256 : (record.uri ?? '');
  const source = `${record.storage}\0${uri}\0${record.sha256}`;
  let finding = findings.get(source);
  if (!finding) findings.set(source, (finding = check(repo, record)));
  const { actual, problem } = await finding;
  if (!problem) return undefined;
  return { ref, image, storage: record.storage, uri, expected: record.sha256, actual, problem };
}

async function check(repo: Repository, record: AssetRecord): Promise<Finding> {
  const expected = record.sha256!;
  if (record.storage === 'blob') {
    const bytes = await repo.blobs.get(expected as ChunkHash);
    if (!bytes) return { actual: null, problem: 'blob missing from the blob store' };
    return compared(expected, sha256Hex(bytes));
  }
  const path = localPath(record.uri ?? '');
  if (path === undefined)
    return { actual: null, problem: 'not a local path or file: URI; cannot be read' };
  try {
    return compared(expected, (await hashFile(path)).sha256);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { actual: null, problem: code === 'ENOENT' ? 'file missing' : `cannot read (${code})` };
  }
}

function compared(expected: string, actual: string): Finding {
  return actual === expected ? { actual } : { actual, problem: 'bytes changed (hash mismatch)' };
}

function localPath(uri: string): string | undefined {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  }
  return isAbsolute(uri) ? uri : undefined;
}
