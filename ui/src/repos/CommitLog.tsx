/**
 * The log of a ref (layer: ui/repos): newest first, each commit with its author, time, message,
 * operation and the changes it made per tree (labels, reviews, assets, splits), and links to its
 * gallery and to the diff from its first parent.
 */
import { useState } from 'react';
import type { Commit } from '../api/types.js';
import { Failure, Loading } from '../app/Failure.js';
import { Link } from '../app/Link.js';
import { useSession } from '../app/session-context.js';
import { useAsync } from '../app/use-async.js';
import { countsText, shortId, type Counts } from './format.js';

const PAGE = 50;
const TREES = ['labels', 'reviews', 'assets', 'splits'] as const;

export function CommitLog({ repo, gitRef }: { repo: string; gitRef: string }) {
  const { client } = useSession();
  const [limit, setLimit] = useState(PAGE);
  const log = useAsync(() => client.log(repo, gitRef, limit), [client, repo, gitRef, limit]);
  if (log.state === 'loading') return <Loading what="the log" />;
  if (log.state === 'failed') return <Failure error={log.error} />;
  return (
    <>
      <ol className="commits">
        {log.value.map((c) => (
          <CommitEntry key={c.id} repo={repo} commit={c} />
        ))}
      </ol>
      {log.value.length === limit && (
        <button type="button" onClick={() => setLimit(limit + PAGE)}>
          Show older commits
        </button>
      )}
    </>
  );
}

function CommitEntry({ repo, commit }: { repo: string; commit: Commit }) {
  const ops = commit.operations as Record<string, unknown>;
  const op = typeof ops['op'] === 'string' ? ops['op'] : undefined;
  const parent = commit.parents[0];
  return (
    <li className="commit" data-commit={commit.id}>
      <div className="commit-head">
        <span className="message">{commit.message}</span>
        {op && <span className="op">{op}</span>}
      </div>
      <div className="commit-meta">
        <code>{shortId(commit.id)}</code> by <span className="author">{commit.author}</span> on{' '}
        <time dateTime={commit.time}>{new Date(commit.time).toLocaleString()}</time>
      </div>
      <ul className="change-counts" aria-label="changes per tree">
        {TREES.map((tree) => {
          const text = countsText(ops[tree] as Counts | undefined);
          return text ? (
            <li key={tree} data-tree={tree}>
              {tree} <span className="counts">{text}</span>
            </li>
          ) : null;
        })}
      </ul>
      <div className="actions">
        <Link to={{ page: 'gallery', repo, ref: commit.id, where: '' }}>gallery</Link>
        {parent && <Link to={{ page: 'diff', repo, from: parent, to: commit.id }}>changes</Link>}
      </div>
    </li>
  );
}
