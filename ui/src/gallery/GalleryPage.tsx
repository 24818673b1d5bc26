/**
 * The gallery of a ref (layer: ui/gallery): every image as a thumbnail with its labels drawn
 * over it (a colour per class), in a virtualized grid; a filter in the `--where` language keeps
 * the images with a matching label and draws those labels, with the server's count. A click
 * opens the image page.
 */
import { useMemo } from 'react';
import { ApiError } from '../api/client.js';
import { Failure, Loading } from '../app/Failure.js';
import { Link } from '../app/Link.js';
import { hrefOf, navigate } from '../app/router.js';
import { useSession } from '../app/session-context.js';
import { useAsync } from '../app/use-async.js';
import { classColor, classOf } from '../overlays/class-colors.js';
import { fitted } from '../overlays/geometry.js';
import { ImageFrame } from '../overlays/ImageFrame.js';
import { FilterBar } from './FilterBar.js';
import { galleryImages, type GalleryImage } from './gallery-data.js';
import { VirtualGrid } from './VirtualGrid.js';

/** Thumbnail box and cell size, CSS pixels; thumbnails are fetched at 256 (sharp enough at 2x for 128). */
const THUMB = 200;
const CELL_WIDTH = 216;
const CELL_HEIGHT = 240;

export function GalleryPage({
  repo,
  gitRef,
  where,
}: {
  repo: string;
  gitRef: string;
  where: string;
}) {
  const { client } = useSession();
  const data = useAsync(async () => {
    const filter = where === '' ? undefined : where;
    const [assets, labels, count] = await Promise.all([
      client.assets(repo, gitRef),
      client.labels(repo, gitRef, filter),
      client.count(repo, gitRef, filter),
    ]);
    return { images: galleryImages(assets, labels, filter !== undefined), count: count.labels };
  }, [client, repo, gitRef, where]);
  const apply = (w: string) =>
    navigate(hrefOf({ page: 'gallery', repo, ref: gitRef, where: w }), { replace: true });
  const summary =
    data.state === 'done'
      ? `${data.value.images.length} images, ${data.value.count} labels${where ? ' match' : ''}`
      : '';
  const filterError =
    data.state === 'failed' && data.error instanceof ApiError && data.error.status === 400;
  return (
    <section className="gallery" aria-labelledby="gallery-title">
      <h1 id="gallery-title">
        Gallery at <code>{gitRef}</code>
      </h1>
      <FilterBar where={where} onApply={apply} summary={summary} />
      {data.state === 'loading' && <Loading what="images and labels" />}
      {data.state === 'failed' &&
        (filterError ? (
          <p className="error filter-error" role="alert">
            {data.error.message}
          </p>
        ) : (
          <Failure error={data.error} />
        ))}
      {data.state === 'done' && <Grid repo={repo} gitRef={gitRef} images={data.value.images} />}
    </section>
  );
}

function Grid({
  repo,
  gitRef,
  images,
}: {
  repo: string;
  gitRef: string;
  images: readonly GalleryImage[];
}) {
  const render = useMemo(
    () => (item: GalleryImage) => <GalleryCell repo={repo} gitRef={gitRef} item={item} />,
    [repo, gitRef],
  );
  if (images.length === 0) return <p>No images.</p>;
  return (
    <VirtualGrid
      items={images}
      cellWidth={CELL_WIDTH}
      cellHeight={CELL_HEIGHT}
      keyOf={(i) => i.image}
      renderCell={render}
      label="images"
    />
  );
}

function GalleryCell({ repo, gitRef, item }: { repo: string; gitRef: string; item: GalleryImage }) {
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
      to={{ page: 'image', repo, ref: gitRef, image: item.image }}
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
          alt={`image ${item.image}`}
        />
      </div>
      <span className="caption">
        {item.image} · {item.labels.length}
      </span>
    </Link>
  );
}
