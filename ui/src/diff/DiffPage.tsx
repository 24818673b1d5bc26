/**
 * The visual diff of two refs (layer: ui/diff): summary counts per tree and per class, then each
 * changed image with its changes drawn over it (added green, removed red, changed yellow with the
 * old outline dashed) beside the list of its label and review changes. Only the images near the
 * viewport read their asset record and picture (`useNearViewport`); the lists are all there.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import type { Asset, Change, DiffStat } from '../api/types.js';
import { Failure, Loading } from '../app/Failure.js';
import { Link } from '../app/Link.js';
import { hrefOf, navigate } from '../app/router.js';
import { useSession } from '../app/session-context.js';
import { useAsync } from '../app/use-async.js';
import { classOf } from '../overlays/class-colors.js';
import { fitted } from '../overlays/geometry.js';
import { ImageFrame } from '../overlays/ImageFrame.js';
import { countsText } from '../repos/format.js';
import {
  changedImages,
  diffOverlay,
  fieldChangeText,
  type ChangedImage,
  type DiffSide,
} from './diff-data.js';

/** Changed images shown at first; more on request (each costs a picture). */
const PAGE = 50;
const SHOWN = 320;

export function DiffPage({ repo, from, to }: { repo: string; from: string; to: string }) {
  const { client } = useSession();
  const [limit, setLimit] = useState(PAGE);
  const [sideBySide, setSideBySide] = useState(false);
  const data = useAsync(async () => {
    // The asset records are read per shown image (`useAssetAt`), never the whole ref's.
    const [stat, changes] = await Promise.all([
      client.diffStat(repo, from, to),
      client.diff(repo, from, to),
    ]);
    return { stat, images: changedImages(changes) };
  }, [client, repo, from, to]);
  return (
    <section aria-labelledby="diff-title">
      <h1 id="diff-title">
        Changes from <code>{from}</code> to <code>{to}</code>
      </h1>
      <RefsForm repo={repo} from={from} to={to} />
      {data.state === 'loading' && <Loading what="the changes" />}
      {data.state === 'failed' && <Failure error={data.error} />}
      {data.state === 'done' && (
        <>
          <Summary stat={data.value.stat} images={data.value.images.length} />
          <label className="diff-view">
            <input
              type="checkbox"
              checked={sideBySide}
              onChange={(e) => setSideBySide(e.target.checked)}
            />{' '}
            before and after side by side
          </label>
          <ol className="diff-images">
            {data.value.images.slice(0, limit).map((img) => (
              <DiffImage
                key={img.image}
                repo={repo}
                from={from}
                to={to}
                item={img}
                sideBySide={sideBySide}
              />
            ))}
          </ol>
          {data.value.images.length > limit && (
            <button type="button" onClick={() => setLimit(limit + PAGE)}>
              Show more changed images
            </button>
          )}
        </>
      )}
    </section>
  );
}

function RefsForm({ repo, from, to }: { repo: string; from: string; to: string }) {
  const [a, setA] = useState(from);
  const [b, setB] = useState(to);
  useEffect(() => {
    setA(from);
    setB(to);
  }, [from, to]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(hrefOf({ page: 'diff', repo, from: a.trim(), to: b.trim() }));
  };
  return (
    <form className="diff-form" onSubmit={submit}>
      <label htmlFor="diff-from">From</label>
      <input id="diff-from" value={a} onChange={(e) => setA(e.target.value)} />
      <label htmlFor="diff-to">To</label>
      <input id="diff-to" value={b} onChange={(e) => setB(e.target.value)} />
      <button type="submit">Compare</button>
    </form>
  );
}

function Summary({ stat, images }: { stat: DiffStat; images: number }) {
  const trees = (['labels', 'reviews', 'assets', 'splits'] as const).filter((t) => stat[t]);
  const classes = Object.entries(stat.classes ?? {});
  return (
    <div className="diff-summary">
      <table aria-label="changes per tree">
        <thead>
          <tr>
            <th scope="col">Tree</th>
            <th scope="col">Added</th>
            <th scope="col">Removed</th>
            <th scope="col">Changed</th>
          </tr>
        </thead>
        <tbody>
          {trees.map((t) => (
            <tr key={t} data-tree={t}>
              <th scope="row">{t}</th>
              <td>{stat[t]!.added}</td>
              <td>{stat[t]!.removed}</td>
              <td>{stat[t]!.modified}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {classes.length > 0 && (
        // A scrolling box (a Tab stop, so the keyboard scrolls it): 80 classes would push the
        // changed images a screen down.
        <div className="diff-classes" tabIndex={0} role="region" aria-label="changes per class">
          <table aria-label="label changes per class">
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {classes.map(([cls, c]) => (
                <tr key={cls} data-class={cls}>
                  <th scope="row">{cls}</th>
                  <td>{countsText(c)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="changed-images">{images} images changed</p>
    </div>
  );
}

interface DiffImageProps {
  readonly repo: string;
  readonly from: string;
  readonly to: string;
  readonly item: ChangedImage;
  readonly sideBySide: boolean;
}

/** The asset record of `image` at `ref` (undefined: none there), or 'loading'. */
function useAssetAt(
  repo: string,
  ref: string,
  image: string,
  wanted: boolean,
): Asset | undefined | 'loading' {
  const { client } = useSession();
  const read = useAsync(async () => {
    if (!wanted) return undefined;
    try {
      return await client.asset(repo, ref, image);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
  }, [client, repo, ref, image, wanted]);
  return read.state === 'done' ? read.value : read.state === 'loading' ? 'loading' : undefined;
}

/**
 * Whether the element has come within a screen of the viewport (and stays true): a changed
 * image's record and picture are read only then, so the first screen of a 500-image diff costs
 * the images on it.
 */
function useNearViewport(): [React.RefObject<HTMLLIElement | null>, boolean] {
  const ref = useRef<HTMLLIElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || near) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setNear(true);
      },
      { rootMargin: '100% 0px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [near]);
  return [ref, near];
}

function DiffImage({ repo, from, to, item, sideBySide }: DiffImageProps) {
  const [ref, near] = useNearViewport();
  const asset = useAssetAt(repo, to, item.image, near);
  const before = useAssetAt(repo, from, item.image, near && sideBySide);
  return (
    <li className="diff-image" data-diff-image={item.image} ref={ref}>
      {!near ? (
        <div className="diff-pending" style={{ width: SHOWN, height: SHOWN }} />
      ) : sideBySide ? (
        <>
          <DiffFrame
            repo={repo}
            item={item}
            asset={before}
            side="before"
            missing="not in the old ref"
          />
          <DiffFrame repo={repo} item={item} asset={asset} side="after" missing={`not in ${to}`} />
        </>
      ) : (
        <DiffFrame repo={repo} item={item} asset={asset} side="both" missing={`not in ${to}`} />
      )}
      <div>
        <h2>
          <Link to={{ page: 'image', repo, ref: to, image: item.image }}>{item.image}</Link>
        </h2>
        <ul className="label-changes">
          {[...item.labels, ...item.reviews, ...item.asset].map((c) => (
            <ChangeLine key={`${c.tree}:${c.key.label ?? ''}`} change={c} />
          ))}
        </ul>
      </div>
    </li>
  );
}

const SIGN = { added: '+', removed: '−', modified: '~' } as const;

function ChangeLine({ change }: { change: Change }) {
  const what =
    change.tree === 'labels' ? 'label' : change.tree === 'reviews' ? 'review of' : 'asset';
  const value = change.after ?? change.before;
  const cls = change.tree === 'labels' && value ? classOf(value) : undefined;
  return (
    <li
      className={`change-${change.change}`}
      data-change-key={`${change.tree}:${change.key.label ?? ''}`}
      data-change={change.change}
    >
      {SIGN[change.change]} {what} <code>{change.key.label}</code>
      {cls && <> ({cls})</>}
      {change.tree === 'reviews' && change.after && <> → {String(change.after['status'] ?? '')}</>}
      {change.fields && change.fields.length > 0 && (
        <ul>
          {change.fields.map((f) => (
            <li key={f.field}>{fieldChangeText(f)}</li>
          ))}
        </ul>
      )}
    </li>
  );
}

interface DiffFrameProps {
  readonly repo: string;
  readonly item: ChangedImage;
  readonly asset: Asset | undefined | 'loading';
  readonly side: DiffSide;
  readonly missing: string;
}

function DiffFrame({ repo, item, asset, side, missing }: DiffFrameProps) {
  const { client } = useSession();
  if (asset === 'loading')
    return <div className="diff-frame diff-loading" aria-busy="true" data-side={side} />;
  if (!asset?.width || !asset.height)
    return (
      <p className="diff-missing">
        {item.image}: {missing}
      </p>
    );
  const size = fitted(asset.width, asset.height, SHOWN, SHOWN);
  return (
    <figure className="diff-frame" data-side={side}>
      <ImageFrame
        imageId={item.image}
        picturePath={asset.sha256 ? client.thumbnailPath(repo, asset.sha256, 512) : undefined}
        width={asset.width}
        height={asset.height}
        displayWidth={size.width}
        displayHeight={size.height}
        items={diffOverlay(item.labels, side)}
        alt={`image ${item.image}${side === 'both' ? '' : `, ${side}`}`}
      />
      {side !== 'both' && <figcaption>{side}</figcaption>}
    </figure>
  );
}
