/**
 * The repositories this server serves (layer: ui/repos).
 */
import { Failure, Loading } from '../app/Failure.js';
import { Link } from '../app/Link.js';
import { useSession } from '../app/session-context.js';
import { useAsync } from '../app/use-async.js';

export function RepositoryList() {
  const { client } = useSession();
  const repos = useAsync(() => client.repositories(), [client]);
  if (repos.state === 'loading') return <Loading what="repositories" />;
  if (repos.state === 'failed') return <Failure error={repos.error} />;
  return (
    <section>
      <h1>Repositories</h1>
      {repos.value.length === 0 ? (
        <p>This server serves no repositories yet.</p>
      ) : (
        <ul className="repositories">
          {repos.value.map((r) => (
            <li key={r.name}>
              <Link to={{ page: 'repository', repo: r.name, ref: undefined }}>{r.name}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
