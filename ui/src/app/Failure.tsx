/**
 * How a page shows an error (layer: ui/app): the server's message and code; a refused token
 * (401) offers to sign in again.
 */
import { ApiError } from '../api/client.js';
import { useSession } from './session-context.js';

export function Failure({ error }: { error: Error }) {
  const { signOut } = useSession();
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="error" role="alert">
      <p>
        {error.message}
        {code && <span className="code"> ({code})</span>}
      </p>
      {error instanceof ApiError && error.status === 401 && (
        <button type="button" onClick={() => signOut(error.message)}>
          Sign in again
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}
