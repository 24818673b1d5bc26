/**
 * The schema versions of a repository (layer: ui/schema): a timeline, newest first (version,
 * parent, author, time, message), and the selected version's classes (id, name, parent,
 * attributes, keypoints, deprecated) with its delta from its parent, each op in the words of
 * `verso schema diff` (renames, merges, splits, attribute changes), and what migrating a branch
 * to it would do (`MigrationPreview.tsx`: the server's dry run, per op the labels it touches).
 */
import type { SchemaClass, SchemaLogEntry } from '../api/types.js';
import { Failure, Loading } from '../app/Failure.js';
import { Link } from '../app/Link.js';
import { useSession } from '../app/session-context.js';
import { useAsync } from '../app/use-async.js';
import { MigrationPreview } from './MigrationPreview.js';

export function SchemaPage({ repo, version }: { repo: string; version: string | undefined }) {
  const { client } = useSession();
  const log = useAsync(() => client.schemaLog(repo), [client, repo]);
  if (log.state === 'loading') return <Loading what="schema versions" />;
  if (log.state === 'failed') return <Failure error={log.error} />;
  const versions = log.value;
  const selected = versions.find((v) => v.version === version) ?? versions[0];
  return (
    <section aria-labelledby="schema-title" className="schema-page">
      <h1 id="schema-title">Schema</h1>
      {versions.length === 0 ? (
        <p>
          No schema versions yet: <code>verso schema create VERSION --from FILE.yaml</code>.
        </p>
      ) : (
        <div className="repository">
          <ol className="commits schema-timeline" aria-label="schema versions">
            {versions.map((v) => (
              <li
                key={v.version}
                className={v === selected ? 'commit selected' : 'commit'}
                data-schema-version={v.version}
              >
                <div className="commit-head">
                  <Link
                    to={{ page: 'schema', repo, version: v.version }}
                    aria-current={v === selected ? 'true' : undefined}
                  >
                    {v.version}
                  </Link>
                  <span className="op">{v.ops} ops</span>
                </div>
                <div className="message">{v.message}</div>
                <div className="commit-meta">
                  {v.parent ? <>from {v.parent}, </> : <>first version, </>}
                  by {v.author} on{' '}
                  <time dateTime={v.created_at}>{new Date(v.created_at).toLocaleString()}</time>
                </div>
              </li>
            ))}
          </ol>
          {selected && <VersionDetails key={selected.version} repo={repo} entry={selected} />}
        </div>
      )}
    </section>
  );
}

function VersionDetails({ repo, entry }: { repo: string; entry: SchemaLogEntry }) {
  const { client } = useSession();
  const data = useAsync(async () => {
    const [shown, diff] = await Promise.all([
      client.schemaVersion(repo, entry.version),
      entry.parent
        ? client.schemaDiff(repo, entry.parent, entry.version)
        : Promise.resolve(undefined),
    ]);
    const steps = diff
      ? diff.steps.map((s) => s.text)
      : shown.delta.map((op) => JSON.stringify(op));
    return { classes: shown.classes as unknown as SchemaClass[], steps };
  }, [client, repo, entry.version, entry.parent]);
  if (data.state === 'loading') return <Loading what={`schema ${entry.version}`} />;
  if (data.state === 'failed') return <Failure error={data.error} />;
  return (
    <div>
      <h2>
        Delta of <code>{entry.version}</code>{' '}
        {entry.parent ? <>from {entry.parent}</> : <>(first version)</>}
      </h2>
      <ol className="schema-delta" aria-label="delta">
        {data.value.steps.map((text, i) => (
          <li key={i}>{text}</li>
        ))}
      </ol>
      <h2>What a migration to {entry.version} would do</h2>
      <MigrationPreview repo={repo} version={entry.version} />
      <h2>Classes</h2>
      <table aria-label="classes">
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Name</th>
            <th scope="col">Parent</th>
            <th scope="col">Attributes</th>
            <th scope="col">Keypoints</th>
          </tr>
        </thead>
        <tbody>
          {data.value.classes.map((c) => (
            <tr key={c.id} data-class-id={c.id} className={c.deprecated ? 'deprecated' : undefined}>
              <td>{c.id}</td>
              <td className="class-name">
                {c.name}
                {c.deprecated && ' (deprecated)'}
              </td>
              <td>{c.parent ?? ''}</td>
              <td>
                {Object.entries(c.attributes ?? {})
                  .map(
                    ([name, spec]) => `${name}: ${spec.type}${spec.required ? ' (required)' : ''}`,
                  )
                  .join(', ')}
              </td>
              <td>
                {c.keypoints ? `${c.keypoints.length} (${c.skeleton?.length ?? 0} edges)` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
