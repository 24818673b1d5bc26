/**
 * What the image page loads (layer: ui/image): the image's asset record, its labels at the ref
 * (the `--where` filter `image = "ID"`, read as another schema version if asked), each label's blame, and whether the ref is a branch
 * (only a branch takes reviews).
 */
import type { ApiClient } from '../api/client.js';
import type { Asset, BlameAnswer, Label } from '../api/types.js';

export type BlameEntry = BlameAnswer['labels'][number] & {
  readonly label?: string;
  readonly introduced?: CommitRef;
  readonly changed?: CommitRef;
};

export interface CommitRef {
  readonly commit: string;
  readonly author: string;
  readonly time: string;
  readonly message?: string;
}

export interface ImageData {
  readonly asset: Asset;
  readonly labels: readonly Label[];
  readonly blame: ReadonlyMap<string, BlameEntry>;
  readonly isBranch: boolean;
}

export async function loadImage(
  client: ApiClient,
  repo: string,
  ref: string,
  image: string,
  schema?: string,
): Promise<ImageData> {
  const [asset, labels, blame, refs] = await Promise.all([
    client.asset(repo, ref, image),
    client.labels(repo, ref, `image = ${JSON.stringify(image)}`, schema),
    client.blame(repo, ref, image),
    client.refs(repo),
  ]);
  const entries = blame.labels as BlameEntry[];
  return {
    asset,
    labels,
    blame: new Map(entries.map((b) => [String(b.label), b])),
    isBranch: refs.some((r) => r.kind === 'branch' && r.name === ref),
  };
}
