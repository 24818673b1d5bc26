/**
 * What a migration would do (layer: ui/schema): for a branch and the selected schema version,
 * the server's dry run of `verso migrate --dry-run` (nothing written): per op of the delta, its
 * words, its policy (auto rewrites the labels, review marks them needs_review) and how many
 * labels it touches, with the totals. A dry run scans the branch's labels, so it runs when asked.
 * The server lets the review role run it (the role that migrates).
 */
import { useId, useState } from 'react';
import type { MigrationPreview as Preview, Ref } from '../api/types.js';
import { Failure, Loading } from '../app/Failure.js';
import { useRoleAllows, useSession } from '../app/session-context.js';
import { useAsync } from '../app/use-async.js';

export function MigrationPreview({ repo, version }: { repo: string; version: string }) {
  const { client } = useSession();
  const canReview = useRoleAllows('review');
  const id = useId();
  const refs = useAsync(() => client.refs(repo), [client, repo]);
  const [branch, setBranch] = useState<string | undefined>();
  const [asked, setAsked] = useState<{ branch: string; version: string } | undefined>();
  if (!canReview)
    return (
      <p className="migration-preview">
        A preview of migrating a branch to {version} is a dry run of <code>verso migrate</code>,
        which needs the review role.
      </p>
    );
  if (refs.state === 'loading') return <Loading what="branches" />;
  if (refs.state === 'failed') return <Failure error={refs.error} />;
  const branches = refs.value.filter((r: Ref) => r.kind === 'branch').map((r) => r.name);
  const chosen = branch ?? branches[0];
  return (
    <div className="migration-preview">
      <form
        className="filter-bar"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen !== undefined) setAsked({ branch: chosen, version });
        }}
      >
        <label htmlFor={id}>Branch</label>
        <select id={id} value={chosen ?? ''} onChange={(e) => setBranch(e.target.value)}>
          {branches.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
        <button type="submit" disabled={chosen === undefined}>
          Preview migration to {version}
        </button>
      </form>
      {asked && asked.version === version && (
        <PreviewResult key={`${asked.branch}@${version}`} repo={repo} {...asked} />
      )}
    </div>
  );
}

function PreviewResult({
  repo,
  branch,
  version,
}: {
  repo: string;
  branch: string;
  version: string;
}) {
  const { client } = useSession();
  const run = useAsync(
    () => client.migrationPreview(repo, branch, version),
    [client, repo, branch, version],
  );
  if (run.state === 'loading') return <Loading what={`the dry run of ${branch} to ${version}`} />;
  if (run.state === 'failed') return <Failure error={run.error} />;
  return <PreviewTable preview={run.value} />;
}

function PreviewTable({ preview }: { preview: Preview }) {
  return (
    <>
      <p className="migration-summary" aria-live="polite">
        Migrating <code>{preview.branch}</code> from {preview.from ?? 'no schema'} to {preview.to}{' '}
        would rewrite {preview.rewritten} and mark {preview.marked} for review of {preview.labels}{' '}
        labels.
      </p>
      {preview.ops.length > 0 && (
        <table aria-label="migration preview">
          <thead>
            <tr>
              <th scope="col">Op</th>
              <th scope="col">Kind</th>
              <th scope="col">Policy</th>
              <th scope="col">Labels</th>
            </tr>
          </thead>
          <tbody>
            {preview.ops.map((op) => (
              <tr key={`${op.version}-${op.index}`} data-op-kind={op.op.op ?? ''}>
                <td>{op.text}</td>
                <td>{kindWords(op.op.op)}</td>
                <td>{op.policy === 'auto' ? 'rewritten' : 'marked needs_review'}</td>
                <td className="op-labels">{op.labels}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function kindWords(kind: string | undefined): string {
  switch (kind) {
    case 'rename_class':
      return 'renamed';
    case 'merge_classes':
      return 'merged';
    case 'split_class':
      return 'split';
    default:
      return kind?.replaceAll('_', ' ') ?? '';
  }
}
