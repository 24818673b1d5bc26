/**
 * A repository (layer: ui/repos): its branches and tags, and the log of the selected one (the
 * default branch `main` unless `?ref=` names another).
 */
import { Failure, Loading } from '../app/Failure.js';
import { Link } from '../app/Link.js';
import { useSession } from '../app/session-context.js';
import { useAsync } from '../app/use-async.js';
import { CommitLog } from './CommitLog.js';
import { shortId } from './format.js';

export function RepositoryPage({
  repo,
  selectedRef,
}: {
  repo: string;
  selectedRef: string | undefined;
}) {
  const { client } = useSession();
  const refs = useAsync(() => client.refs(repo), [client, repo]);
  const ref = selectedRef ?? 'main';
  return (
    <div className="repository">
      <section aria-labelledby="refs-title" className="refs">
        <h2 id="refs-title">Branches and tags</h2>
        {refs.state === 'loading' && <Loading what="refs" />}
        {refs.state === 'failed' && <Failure error={refs.error} />}
        {refs.state === 'done' && (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Commit</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">Views</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {refs.value.map((r) => (
                <tr
                  key={`${r.kind}:${r.name}`}
                  className={r.name === ref ? 'selected' : undefined}
                  data-ref={r.name}
                >
                  <td>
                    <Link
                      to={{ page: 'repository', repo, ref: r.name }}
                      aria-current={r.name === ref ? 'true' : undefined}
                    >
                      {r.name}
                    </Link>
                  </td>
                  <td>{r.kind}</td>
                  <td>
                    <code>{shortId(r.target)}</code>
                  </td>
                  <td>
                    <time dateTime={r.updated_at}>{new Date(r.updated_at).toLocaleString()}</time>
                  </td>
                  <td className="actions">
                    <Link to={{ page: 'gallery', repo, ref: r.name, where: '' }}>gallery</Link>
                    {r.kind === 'branch' && (
                      <Link to={{ page: 'merge', repo, branch: r.name }}>merge</Link>
                    )}
                    {r.name !== 'main' && (
                      <Link to={{ page: 'diff', repo, from: 'main', to: r.name }}>
                        diff with main
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="log-title" className="log">
        <h2 id="log-title">
          Log of <code>{ref}</code>
        </h2>
        <CommitLog repo={repo} gitRef={ref} />
      </section>
    </div>
  );
}
