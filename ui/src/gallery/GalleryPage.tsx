/**
 * The gallery of a ref (layer: ui/gallery): every image as a thumbnail with its labels drawn
 * over it (a colour per class), in a virtualized grid that loads a page of images and their
 * labels only when it comes into view (`gallery-data.ts`); a filter in the `--where` language
 * keeps the images with a matching label and draws those labels, with the server's count and
 * plan; the labels can be read as another schema version. A click (or Enter) opens the image
 * page.
 */
import { memo, useCallback, useEffect, useMemo } from 'react';
import { ApiError } from '../api/client.js';
import { Failure, Loading } from '../app/Failure.js';
import { Link } from '../app/Link.js';
import { hrefOf, navigate } from '../app/router.js';
import { useSession } from '../app/session-context.js';
import { useAsync } from '../app/use-async.js';
import { classColor, classOf } from '../overlays/class-colors.js';
import { fitted } from '../overlays/geometry.js';
import { ImageFrame } from '../overlays/ImageFrame.js';
import { SchemaSelect } from '../schema/SchemaSelect.js';
import { Shortcuts, type Shortcut } from '../app/Shortcuts.js';
import { FilterBar } from './FilterBar.js';
import { useGalleryPages, type GalleryImage, type GalleryPages } from './gallery-data.js';
import { VirtualGrid } from './VirtualGrid.js';

/**
 * Labels above which a thumbnail draws them on one canvas, not an SVG element each: a crowded
 * image (the generated 1M-label set has one with 1,429 boxes) would stall the scrolling grid
 * for the ~80 ms its elements take to create, lay out and paint. Its image page draws them all.
 */
const DENSE_LABELS = 200;

/** Thumbnail box and cell size, CSS pixels; thumbnails are fetched at 256 (sharp enough at 2x for 128). */
const THUMB = 200;
const CELL_WIDTH = 216;
const CELL_HEIGHT = 240;

const GALLERY_SHORTCUTS: readonly Shortcut[] = [
  { keys: '/', action: 'go to the filter' },
  { keys: '← ↑ → ↓', action: 'move between images' },
  { keys: 'Page Up / Page Down', action: 'a screen up / down' },
  { keys: 'Home / End', action: 'first / last image' },
  { keys: 'Enter', action: 'open the image' },
];

export function GalleryPage({
  repo,
  gitRef,
  where,
  schema,
}: {
  repo: string;
  gitRef: string;
  where: string;
  schema: string | undefined;
}) {
  const { client } = useSession();
  const filter = where === '' ? undefined : where;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key !== '/' || (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)))
        return;
      e.preventDefault();
      document.getElementById('where')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const pages = useGalleryPages(client, { repo, ref: gitRef, where, schema });
  const count = useAsync(
    () => client.count(repo, gitRef, filter, schema),
    [client, repo, gitRef, filter, schema],
  );
  const plan = useAsync(
    async () => (filter === undefined ? undefined : client.queryPlan(repo, gitRef, filter, schema)),
    [client, repo, gitRef, filter, schema],
  );
  const go = (w: string, sc: string | undefined) =>
    navigate(hrefOf({ page: 'gallery', repo, ref: gitRef, where: w, schema: sc }), {
      replace: true,
    });
  const summary =
    pages?.ready && count.state === 'done' ? summaryOf(pages, count.value.labels) : '';
  const error = pages?.error ?? (count.state === 'failed' ? count.error : undefined);
  const filterError = error instanceof ApiError && error.status === 400;
  return (
    <section className="gallery" aria-labelledby="gallery-title">
      <h1 id="gallery-title">
        Gallery at <code>{gitRef}</code>
        {schema !== undefined && <> read as schema {schema}</>}
      </h1>
      <FilterBar
        where={where}
        onApply={(w) => go(w, schema)}
        summary={summary}
        plan={plan.state === 'done' ? plan.value : undefined}
        schemaSelect={<SchemaSelect repo={repo} value={schema} onChange={(sc) => go(where, sc)} />}
      />
      <Shortcuts shortcuts={GALLERY_SHORTCUTS} />
      {error &&
        (filterError ? (
          <p className="error filter-error" role="alert">
            {error.message}
          </p>
        ) : (
          <Failure error={error} />
        ))}
      {!error && !pages?.ready && <Loading what="images and labels" />}
      {!error && pages?.ready && <Grid repo={repo} gitRef={gitRef} schema={schema} pages={pages} />}
    </section>
  );
}

function summaryOf(pages: GalleryPages, labels: number): string {
  if (!pages.filtered) return `${pages.total ?? 0} images, ${labels} labels`;
  const { images, more } = pages.loaded;
  return `${images}${more ? '+' : ''} images, ${labels} labels match`;
}

function Grid({
  repo,
  gitRef,
  schema,
  pages,
}: {
  repo: string;
  gitRef: string;
  schema: string | undefined;
  pages: GalleryPages;
}) {
  const render = useMemo(
    () => (item: GalleryImage) => (
      <GalleryCell repo={repo} gitRef={gitRef} schema={schema} item={item} />
    ),
    [repo, gitRef, schema],
  );
  const itemAt = useCallback((i: number) => pages.itemAt(i), [pages]);
  const onVisible = useCallback((first: number, last: number) => pages.want(first, last), [pages]);
  if (pages.count === 0) return <p>No images.</p>;
  return (
    <VirtualGrid
      count={pages.count}
      itemAt={itemAt}
      onVisible={onVisible}
      cellWidth={CELL_WIDTH}
      cellHeight={CELL_HEIGHT}
      keyOf={(i) => i.image}
      renderCell={render}
      label="images"
    />
  );
}

/** A thumbnail cell; memoized, so the cells already drawn are not redrawn as the grid scrolls. */
const GalleryCell = memo(function GalleryCell({
  repo,
  gitRef,
  schema,
  item,
}: {
  repo: string;
  gitRef: string;
  schema: string | undefined;
  item: GalleryImage;
}) {
  const { client } = useSession();
  const { asset } = item;
  const size =
    asset?.width && asset.height ? { width: asset.width, height: asset.height } : undefined;
  const shown = size
    ? fitted(size.width, size.height, THUMB, THUMB)
    : { width: THUMB, height: THUMB };
  const items = size
    ? item.labels.map((l) => {
        const cls = classOf(l);
        return {
          key: l.label,
          labelId: l.label,
          label: l,
          color: classColor(cls),
          title: `${cls ?? 'no class'} (${l.label})`,
        };
      })
    : [];
  return (
    <Link
      to={{ page: 'image', repo, ref: gitRef, image: item.image, schema }}
      className="gallery-cell"
      aria-label={`image ${item.image}, ${item.labels.length} labels`}
    >
      <div className="thumb-box" style={{ width: THUMB, height: THUMB }}>
        <ImageFrame
          imageId={item.image}
          picturePath={asset?.sha256 ? client.thumbnailPath(repo, asset.sha256, 256) : undefined}
          width={size?.width ?? 1}
          height={size?.height ?? 1}
          displayWidth={shown.width}
          displayHeight={shown.height}
          items={items}
          dense={items.length > DENSE_LABELS}
          alt={`image ${item.image}`}
        />
      </div>
      <span className="caption">
        {item.image} · {item.labels.length}
      </span>
    </Link>
  );
});
