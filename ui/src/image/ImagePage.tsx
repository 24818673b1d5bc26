/**
 * One image at a ref (layer: ui/image): the full-resolution file with every label drawn over it
 * (each toggled from the label table), the label table with review and blame, and, for a token
 * that may review on a branch, approve / reject with keyboard shortcuts.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Label } from '../api/types.js';
import { Failure, Loading } from '../app/Failure.js';
import { Link } from '../app/Link.js';
import { hrefOf, navigate } from '../app/router.js';
import { useRoleAllows, useSession } from '../app/session-context.js';
import { classColor, classOf } from '../overlays/class-colors.js';
import { fitted } from '../overlays/geometry.js';
import { ImageFrame } from '../overlays/ImageFrame.js';
import { applyReview, commentOp, reviewOp, type Verdict } from '../review/review-patch.js';
import { LABEL_SHORTCUTS, REVIEW_SHORTCUTS, ReviewBar, useLabelKeys } from '../review/ReviewBar.js';
import { Shortcuts } from '../app/Shortcuts.js';
import { shortId } from '../repos/format.js';
import { SchemaSelect } from '../schema/SchemaSelect.js';
import { loadImage, type ImageData } from './image-data.js';
import { LabelTable } from './LabelTable.js';

export function ImagePage({
  repo,
  gitRef,
  image,
  schema,
}: {
  repo: string;
  gitRef: string;
  image: string;
  schema?: string | undefined;
}) {
  const { client } = useSession();
  const [data, setData] = useState<ImageData | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const reload = useCallback(
    () => loadImage(client, repo, gitRef, image, schema).then(setData, (e: Error) => setError(e)),
    [client, repo, gitRef, image, schema],
  );
  useEffect(() => {
    setData(undefined);
    setError(undefined);
    void reload();
  }, [reload]);
  return (
    <section aria-labelledby="image-title">
      <h1 id="image-title">
        <code>{image}</code> at{' '}
        <Link to={{ page: 'gallery', repo, ref: gitRef, where: '', schema }}>{gitRef}</Link>
        {schema !== undefined && <> read as schema {schema}</>}
      </h1>
      <SchemaSelect
        repo={repo}
        value={schema}
        onChange={(sc) =>
          navigate(hrefOf({ page: 'image', repo, ref: gitRef, image, schema: sc }), {
            replace: true,
          })
        }
      />
      {error && <Failure error={error} />}
      {!error && !data && <Loading what="the image" />}
      {data && <ImageView repo={repo} gitRef={gitRef} image={image} data={data} reload={reload} />}
    </section>
  );
}

interface ImageViewProps {
  readonly repo: string;
  readonly gitRef: string;
  readonly image: string;
  readonly data: ImageData;
  readonly reload: () => Promise<void>;
}

function ImageView({ repo, gitRef, image, data, reload }: ImageViewProps) {
  const { client } = useSession();
  const mayReview = useRoleAllows('review');
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | undefined>(data.labels[0]?.label);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const canReview = data.isBranch && mayReview;

  const toggle = useCallback((label: string) => {
    setHidden((h) => {
      const next = new Set(h);
      if (!next.delete(label)) next.add(label);
      return next;
    });
  }, []);
  const step = useCallback(
    (by: number) => {
      const i = data.labels.findIndex((l) => l.label === selected);
      const next = data.labels[Math.min(data.labels.length - 1, Math.max(0, i + by))];
      if (next) setSelected(next.label);
    },
    [data.labels, selected],
  );
  const write = useCallback(
    async (op: Record<string, unknown>, done: string) => {
      if (busy) return;
      setBusy(true);
      try {
        const result = await applyReview(client, repo, gitRef, op);
        setMessage(`${done} (commit ${shortId(result.commit)})`);
        await reload();
      } catch (e) {
        setMessage(e instanceof Error ? e.message : String(e));
      } finally {
        setBusy(false);
      }
    },
    [busy, client, repo, gitRef, reload],
  );
  const review = useCallback(
    async (verdict: Verdict) => {
      if (selected !== undefined)
        await write(reviewOp(image, selected, verdict), `${verdict} label ${selected}`);
    },
    [selected, image, write],
  );
  const comment = useCallback(
    async (text: string) => {
      if (selected !== undefined)
        await write(commentOp(image, selected, text), `commented on label ${selected}`);
    },
    [selected, image, write],
  );
  const keys = useMemo(
    () => ({
      next: () => step(1),
      previous: () => step(-1),
      toggle: () => selected !== undefined && toggle(selected),
      ...(canReview
        ? {
            review: (v: Verdict) => void review(v),
            comment: () => document.getElementById('review-comment')?.focus(),
          }
        : {}),
    }),
    [step, selected, toggle, canReview, review],
  );
  useLabelKeys(keys);

  return (
    <div className="image-page">
      <div className="image-view" style={{ width: `min(${data.asset.width ?? 640}px, 100%)` }}>
        <FullImage
          repo={repo}
          data={data}
          hidden={hidden}
          selected={selected}
          onSelect={setSelected}
        />
      </div>
      <div className="image-side">
        {canReview && (
          <ReviewBar
            selected={selected}
            busy={busy}
            message={message}
            onReview={(v) => void review(v)}
            onComment={(text) => void comment(text)}
          />
        )}
        <Shortcuts
          shortcuts={canReview ? [...LABEL_SHORTCUTS, ...REVIEW_SHORTCUTS] : LABEL_SHORTCUTS}
        />
        <LabelTable
          labels={data.labels}
          blame={data.blame}
          hidden={hidden}
          selected={selected}
          onToggle={toggle}
          onSelect={setSelected}
        />
      </div>
    </div>
  );
}

interface FullImageProps {
  readonly repo: string;
  readonly data: ImageData;
  readonly hidden: ReadonlySet<string>;
  readonly selected: string | undefined;
  readonly onSelect: (label: string) => void;
}

/** The image fitted to the column's width (and 75% of the window's height), labels over it. */
function FullImage({ repo, data, hidden, selected, onSelect }: FullImageProps) {
  const { client } = useSession();
  const box = useRef<HTMLDivElement>(null);
  const [room, setRoom] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setRoom({ width: el.clientWidth, height: window.innerHeight * 0.75 });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const { asset } = data;
  if (!asset.width || !asset.height)
    return <p>This image has no recorded size: its labels cannot be placed.</p>;
  // Never enlarged past its own pixels.
  const shown = fitted(
    asset.width,
    asset.height,
    Math.min(room.width, asset.width),
    Math.min(room.height, asset.height),
  );
  const items = data.labels
    .filter((l: Label) => !hidden.has(l.label))
    .map((l) => {
      const cls = classOf(l);
      return {
        key: l.label,
        labelId: l.label,
        label: l,
        color: classColor(cls),
        selected: l.label === selected,
        title: `${cls ?? 'no class'} (${l.label})`,
      };
    });
  return (
    <div ref={box} className="full-image">
      {room.width > 0 && (
        <ImageFrame
          imageId={asset.image}
          picturePath={asset.sha256 ? client.blobPath(repo, asset.sha256) : undefined}
          width={asset.width}
          height={asset.height}
          displayWidth={shown.width}
          displayHeight={shown.height}
          items={items}
          alt={`image ${asset.image}`}
          onSelect={onSelect}
        />
      )}
    </div>
  );
}
