/**
 * Lineage (layer: ui/lineage): the recorded predictions, and for one prediction the chain it
 * came from (prediction → model → run → snapshot → labels → annotators and reviewers, from `GET
 * /lineage/up`; for a run trained on a `select` slice, the slice and the model whose
 * predictions chose it) and its explanation: the training examples with the highest influence
 * (`GET /explain`), as a grid of thumbnails with the example's label drawn, its score, annotator
 * and reviewer. Thumbnails are the run's commit's images. A prediction that cannot be explained
 * (no vector) still shows its chain, with the reason in place of the grid.
 */
import type { Asset, Explanation, LineageUp } from '../api/types.js';
import { assetsOf } from '../api/assets-of.js';
import { ApiError } from '../api/client.js';
import { Failure, Loading } from '../app/Failure.js';
import { Link } from '../app/Link.js';
import { useSession } from '../app/session-context.js';
import { useAsync } from '../app/use-async.js';
import { classColor, classOf } from '../overlays/class-colors.js';
import { fitted } from '../overlays/geometry.js';
import { ImageFrame } from '../overlays/ImageFrame.js';
import { shortId } from '../repos/format.js';

/** Examples explained per prediction, and their thumbnail box. */
const TOP = 24;
const THUMB = 180;

export function LineagePage({
  repo,
  prediction,
}: {
  repo: string;
  prediction: string | undefined;
}) {
  return prediction === undefined ? (
    <PredictionList repo={repo} />
  ) : (
    <PredictionLineage repo={repo} prediction={prediction} />
  );
}

function PredictionList({ repo }: { repo: string }) {
  const { client } = useSession();
  const list = useAsync(() => client.predictions(repo), [client, repo]);
  return (
    <section aria-labelledby="lineage-title">
      <h1 id="lineage-title">Predictions</h1>
      {list.state === 'loading' && <Loading what="predictions" />}
      {list.state === 'failed' && <Failure error={list.error} />}
      {list.state === 'done' &&
        (list.value.length === 0 ? (
          <p>
            No predictions recorded yet (<code>verso predict record</code>).
          </p>
        ) : (
          <ul className="predictions">
            {list.value.map((p) => (
              <li key={p.id} data-prediction={p.id}>
                <Link to={{ page: 'lineage', repo, prediction: p.id }}>{p.id}</Link> on{' '}
                <code>{p.image}</code>: {JSON.stringify(p.output)}
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}

function PredictionLineage({ repo, prediction }: { repo: string; prediction: string }) {
  const { client } = useSession();
  const data = useAsync(async () => {
    const [up, explanation] = await Promise.all([
      client.lineageUp(repo, prediction),
      client.explain(repo, prediction, TOP).catch((e: unknown) => {
        // only "this prediction cannot be explained" (no vector): any other failure is the page's
        if (e instanceof ApiError && e.code === 'EXPLAIN_UNAVAILABLE') return e;
        throw e;
      }),
    ]);
    if (explanation instanceof Error) return { up, explanation, assets: new Map<string, Asset>() };
    const assets = await assetsOf(
      client,
      repo,
      up.run.commit,
      explanation.examples.map((e) => e.image),
    );
    return { up, explanation, assets };
  }, [client, repo, prediction]);
  return (
    <section aria-labelledby="lineage-title">
      <h1 id="lineage-title">
        Lineage of <code>{prediction}</code>
      </h1>
      {data.state === 'loading' && <Loading what="the lineage" />}
      {data.state === 'failed' && <Failure error={data.error} />}
      {data.state === 'done' && (
        <>
          <Chain repo={repo} up={data.value.up} />
          <h2>Most influential training examples</h2>
          {data.value.explanation instanceof Error ? (
            <p className="explain-unavailable">Not explained: {data.value.explanation.message}</p>
          ) : (
            <Explained
              repo={repo}
              explanation={data.value.explanation}
              assets={data.value.assets}
            />
          )}
        </>
      )}
    </section>
  );
}

function Explained({
  repo,
  explanation,
  assets,
}: {
  repo: string;
  explanation: Explanation;
  assets: ReadonlyMap<string, Asset>;
}) {
  return (
    <>
      <p>
        {explanation.scored} examples scored ({explanation.kind} vectors).
      </p>
      <ol className="explain-grid" aria-label="influential examples">
        {explanation.examples.map((e) => (
          <ExampleCell
            key={`${e.image}/${e.label}`}
            repo={repo}
            example={e}
            asset={assets.get(e.image)}
          />
        ))}
      </ol>
    </>
  );
}

function names(people: LineageUp['examples']['annotators']): string {
  const list = (people as readonly unknown[]).map((p) =>
    typeof p === 'string' ? p : String((p as { name?: string }).name ?? JSON.stringify(p)),
  );
  return list.length ? list.join(', ') : 'none recorded';
}

function Chain({ repo, up }: { repo: string; up: LineageUp }) {
  const on = up.trained_on;
  const chosen = on?.selected_by
    ? ` chosen by ${on.selected_by.strategy} on the predictions of ${on.selected_by.model.name}@${on.selected_by.model.version}`
    : '';
  const steps = [
    ['prediction', `${up.prediction.id} on ${up.prediction.image}`],
    ['model', `${up.model.name}@${up.model.version}`],
    [
      'run',
      `${up.run.id} (${up.run.status}) by ${up.run.author}, ${up.run.example_count} examples${up.run.filter ? ` where ${up.run.filter}` : ''}`,
    ],
    ...(on
      ? ([
          [
            'slice',
            `${on.slice.name} (${shortId(on.slice.id)}, ${on.slice.example_count} examples)${chosen}`,
          ],
        ] as const)
      : []),
    ['snapshot', `${shortId(up.commit.id)} “${up.commit.message}” (${up.run.dataset_ref})`],
    ['labels', `${up.examples.count} labels`],
    [
      'people',
      `annotators: ${names(up.examples.annotators)}; reviewers: ${names(up.examples.reviewers)}`,
    ],
  ] as const;
  return (
    <ol className="lineage-chain" aria-label="lineage">
      {steps.map(([kind, text]) => (
        <li key={kind} data-lineage={kind}>
          <span className="lineage-kind">{kind}</span> {text}
          {kind === 'snapshot' && (
            <>
              {' '}
              <Link to={{ page: 'gallery', repo, ref: up.commit.id, where: up.run.filter ?? '' }}>
                gallery
              </Link>
            </>
          )}
        </li>
      ))}
    </ol>
  );
}

function ExampleCell({
  repo,
  example,
  asset,
}: {
  repo: string;
  example: Explanation['examples'][number];
  asset: Asset | undefined;
}) {
  const { client } = useSession();
  const size =
    asset?.width && asset.height ? fitted(asset.width, asset.height, THUMB, THUMB) : undefined;
  const cls = classOf(example.content);
  return (
    <li className="explain-cell" data-example={`${example.image}/${example.label}`}>
      {asset && size && (
        <ImageFrame
          imageId={example.image}
          picturePath={asset.sha256 ? client.thumbnailPath(repo, asset.sha256, 256) : undefined}
          width={asset.width!}
          height={asset.height!}
          displayWidth={size.width}
          displayHeight={size.height}
          items={[
            {
              key: example.label,
              labelId: example.label,
              label: example.content,
              color: classColor(cls),
            },
          ]}
          alt={`image ${example.image}`}
        />
      )}
      <div className="explain-meta">
        <span className="rank">#{example.rank}</span>{' '}
        <span className="score">{example.score.toPrecision(4)}</span>
        <br />
        {cls ?? '—'} <code>{example.label}</code> on {example.image}
        <br />
        annotator {example.annotator ?? '—'}
        {example.annotated_at && <> at {new Date(example.annotated_at).toLocaleDateString()}</>}
        <br />
        reviewer {example.reviewer ?? '—'}
      </div>
    </li>
  );
}
