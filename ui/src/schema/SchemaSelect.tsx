/**
 * "Read as schema version" (layer: ui/schema): a select of the repository's schema versions,
 * for the gallery and the image page; the labels are then read through the migration mapping
 * from the snapshot's version to the chosen one (the server's `?schema=`, as `verso cat
 * --schema`). "As stored" reads them as they were written.
 */
import { useId } from 'react';
import { useSession } from '../app/session-context.js';
import { useAsync } from '../app/use-async.js';

interface SchemaSelectProps {
  readonly repo: string;
  readonly value: string | undefined;
  readonly onChange: (version: string | undefined) => void;
}

export function SchemaSelect({ repo, value, onChange }: SchemaSelectProps) {
  const { client } = useSession();
  const id = useId();
  const log = useAsync(() => client.schemaLog(repo), [client, repo]);
  const versions = log.state === 'done' ? log.value.map((v) => v.version) : [];
  // A version named in the address is offered even before (or without) the list.
  if (value !== undefined && !versions.includes(value)) versions.unshift(value);
  return (
    <span className="schema-select">
      <label htmlFor={id}>Read as schema</label>
      <select
        id={id}
        value={value ?? ''}
        disabled={log.state === 'loading'}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      >
        <option value="">as stored</option>
        {versions.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </span>
  );
}
