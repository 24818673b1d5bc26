/**
 * The pending merge into a branch (layer: ui/merge), the same one `verso merge status` shows:
 * each conflict drawn on its image (base dashed grey, ours blue, theirs orange) with its
 * decision, and, for a token that may write, a choice per conflict or for all undecided ones,
 * then commit or abort. Without a pending merge, a form starts one.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Asset, Conflict, ConflictChoice, PendingMerge } from '../api/types.js';
import { assetsOf } from '../api/assets-of.js';
import { Failure, Loading } from '../app/Failure.js';
import { Link } from '../app/Link.js';
import { useRoleAllows, useSession } from '../app/session-context.js';
import { fitted } from '../overlays/geometry.js';
import { ImageFrame } from '../overlays/ImageFrame.js';
import { shortId } from '../repos/format.js';
import {
  conflictKey,
  conflictsByImage,
  decisionOf,
  MERGE_COLORS,
  mergeOverlay,
} from './merge-data.js';

const SHOWN = 320;

interface Loaded {
  readonly pending: PendingMerge | undefined;
  readonly assets: ReadonlyMap<string, Asset>;
}

export function MergePage({ repo, branch }: { repo: string; branch: string }) {
  const { client } = useSession();
  const canWrite = useRoleAllows('annotate');
  const [data, setData] = useState<Loaded | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const reload = useCallback(async () => {
    try {
      const pending = await client.pendingMerge(repo, branch);
      const images = (pending?.conflicts ?? []).map((c) => conflictKey(c.id).image);
      setData({ pending, assets: await assetsOf(client, repo, branch, images) });
      setError(undefined);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    }
  }, [client, repo, branch]);
  useEffect(() => {
    setData(undefined);
    void reload();
  }, [reload]);
  const act = async (what: () => Promise<string | undefined>) => {
    setBusy(true);
    try {
      setMessage(await what());
      await reload();
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const resolve = (target: { id: string } | { all: true }, choice: ConflictChoice) =>
    act(async () => {
      await client.resolveConflict(repo, branch, target, choice);
      return undefined;
    });

  return (
    <section aria-labelledby="merge-title">
      <h1 id="merge-title">
        Merge into <code>{branch}</code>
      </h1>
      {message && (
        <p className="merge-message" role="status">
          {message}
        </p>
      )}
      {error && <Failure error={error} />}
      {!error && !data && <Loading what="the pending merge" />}
      {data && !data.pending && (
        <StartMerge
          branch={branch}
          canWrite={canWrite}
          busy={busy}
          onStart={(from) =>
            act(async () => {
              const outcome = await client.startMerge(repo, branch, from);
              return outcome === 'merged'
                ? `merged ${from} into ${branch}`
                : `the merge of ${from} stopped on conflicts`;
            })
          }
        />
      )}
      {data?.pending && (
        <>
          <p className="merge-summary">
            Merging <code>{data.pending.source}</code> ({shortId(data.pending.theirs)}) into{' '}
            <code>{data.pending.into}</code> ({shortId(data.pending.ours)}), started by{' '}
            {data.pending.started_by}: {data.pending.conflicts.length} conflicts,{' '}
            <span className="undecided">{data.pending.undecided} undecided</span>.{' '}
            <span className="legend">
              <span style={{ color: MERGE_COLORS.base }}>base (dashed)</span> ·{' '}
              <span style={{ color: MERGE_COLORS.ours }}>ours</span> ·{' '}
              <span style={{ color: MERGE_COLORS.theirs }}>theirs</span>
            </span>
          </p>
          {canWrite && (
            <div className="merge-actions" role="toolbar" aria-label="merge">
              <button
                type="button"
                disabled={busy || data.pending.undecided === 0}
                onClick={() => void resolve({ all: true }, 'ours')}
              >
                Take ours for all undecided
              </button>
              <button
                type="button"
                disabled={busy || data.pending.undecided === 0}
                onClick={() => void resolve({ all: true }, 'theirs')}
              >
                Take theirs for all undecided
              </button>
              <button
                type="button"
                className="primary"
                disabled={busy || data.pending.undecided > 0}
                onClick={() =>
                  void act(
                    async () =>
                      `merge committed: ${shortId((await client.commitMerge(repo, branch)).commit)}`,
                  )
                }
              >
                Commit merge
              </button>
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() =>
                  void act(async () => {
                    await client.abortMerge(repo, branch);
                    return 'merge aborted';
                  })
                }
              >
                Abort merge
              </button>
            </div>
          )}
          <ol className="diff-images">
            {conflictsByImage(data.pending.conflicts).map(([image, conflicts]) => (
              <ConflictImage
                key={image}
                repo={repo}
                branch={branch}
                image={image}
                conflicts={conflicts}
                asset={data.assets.get(image)}
                canWrite={canWrite}
                busy={busy}
                onChoose={(id, choice) => void resolve({ id }, choice)}
              />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function StartMerge({
  branch,
  canWrite,
  busy,
  onStart,
}: {
  branch: string;
  canWrite: boolean;
  busy: boolean;
  onStart: (from: string) => void;
}) {
  const [from, setFrom] = useState('');
  if (!canWrite) return <p>No merge into {branch} is pending.</p>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (from.trim() !== '') onStart(from.trim());
  };
  return (
    <form className="diff-form" onSubmit={submit}>
      <p>No merge into {branch} is pending.</p>
      <label htmlFor="merge-from">Merge</label>
      <input
        id="merge-from"
        value={from}
        onChange={(e) => setFrom(e.target.value)}
        placeholder="branch, tag or commit"
      />
      <button type="submit" disabled={busy}>
        Start merge into {branch}
      </button>
    </form>
  );
}

interface ConflictImageProps {
  readonly repo: string;
  readonly branch: string;
  readonly image: string;
  readonly conflicts: readonly Conflict[];
  readonly asset: Asset | undefined;
  readonly canWrite: boolean;
  readonly busy: boolean;
  readonly onChoose: (id: string, choice: ConflictChoice) => void;
}

function ConflictImage({
  repo,
  branch,
  image,
  conflicts,
  asset,
  canWrite,
  busy,
  onChoose,
}: ConflictImageProps) {
  const { client } = useSession();
  const size =
    asset?.width && asset.height ? fitted(asset.width, asset.height, SHOWN, SHOWN) : undefined;
  return (
    <li className="diff-image" data-conflict-image={image}>
      {asset && size && (
        <ImageFrame
          imageId={image}
          picturePath={asset.sha256 ? client.thumbnailPath(repo, asset.sha256, 512) : undefined}
          width={asset.width!}
          height={asset.height!}
          displayWidth={size.width}
          displayHeight={size.height}
          items={mergeOverlay(conflicts)}
          alt={`image ${image}`}
        />
      )}
      <div>
        <h2>
          <Link to={{ page: 'image', repo, ref: branch, image }}>{image}</Link>
        </h2>
        <ul className="conflicts">
          {conflicts.map((c) => {
            const decision = decisionOf(c);
            return (
              <li key={c.id} data-conflict={c.id}>
                {conflictKey(c.id).tree} <code>{conflictKey(c.id).label}</code> {c.kind}:{' '}
                <span className="decision">{decision ?? 'undecided'}</span>
                {canWrite && (
                  <span className="actions">
                    {(['ours', 'theirs'] as const).map((choice) => (
                      <button
                        key={choice}
                        type="button"
                        disabled={busy}
                        onClick={() => onChoose(c.id, choice)}
                        aria-label={`take ${choice} for ${c.id}`}
                      >
                        {choice}
                      </button>
                    ))}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </li>
  );
}
