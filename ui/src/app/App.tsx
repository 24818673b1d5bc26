/**
 * The application shell (layer: ui/app): signs in (or asks for a token), then shows the page of
 * the current address. Pages inside a repository get its frame: the navigation (log, gallery,
 * diff) and the identity and role the server gives the token there.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiClient } from '../api/client.js';
import { DiffPage } from '../diff/DiffPage.js';
import { GalleryPage } from '../gallery/GalleryPage.js';
import { ImagePage } from '../image/ImagePage.js';
import { LineagePage } from '../lineage/LineagePage.js';
import { MergePage } from '../merge/MergePage.js';
import { RepositoryList } from '../repos/RepositoryList.js';
import { RepositoryPage } from '../repos/RepositoryPage.js';
import { SchemaPage } from '../schema/SchemaPage.js';
import { Failure } from './Failure.js';
import { Link } from './Link.js';
import { hrefOf, useRoute, type Route } from './router.js';
import { clearToken, saveToken, storedToken } from './session.js';
import { RepositoryContext, SessionContext, useSession, type Session } from './session-context.js';
import { SignIn } from './SignIn.js';
import { useAsync } from './use-async.js';

export function App() {
  const [token, setToken] = useState(storedToken);
  const [message, setMessage] = useState<string | undefined>();
  const client = useMemo(() => (token === null ? null : new ApiClient(token)), [token]);
  const session = useMemo<Session | null>(
    () =>
      client === null
        ? null
        : {
            client,
            signOut: (why?: string) => {
              void client.closeMediaSessions();
              clearToken();
              setMessage(why);
              setToken(null);
            },
          },
    [client],
  );
  if (!session)
    return (
      <SignIn
        {...(message ? { message } : {})}
        onToken={(t) => {
          saveToken(t);
          setToken(t);
        }}
      />
    );
  return (
    <SessionContext.Provider value={session}>
      <Pages />
    </SessionContext.Provider>
  );
}

function Pages() {
  const route = useRoute();
  if (route.page === 'repositories')
    return (
      <Frame route={route}>
        <RepositoryList />
      </Frame>
    );
  if (route.page === 'not-found')
    return (
      <Frame route={route}>
        <p>No page at {route.path}.</p>
      </Frame>
    );
  return (
    <Frame route={route}>
      <InRepository repo={route.repo} key={route.repo}>
        <RepositoryPageOf route={route} />
      </InRepository>
    </Frame>
  );
}

function RepositoryPageOf({
  route,
}: {
  route: Exclude<Route, { page: 'repositories' | 'not-found' }>;
}) {
  switch (route.page) {
    case 'repository':
      return <RepositoryPage repo={route.repo} selectedRef={route.ref} />;
    case 'gallery':
      return (
        <GalleryPage
          repo={route.repo}
          gitRef={route.ref}
          where={route.where}
          schema={route.schema}
        />
      );
    case 'image':
      return (
        <ImagePage repo={route.repo} gitRef={route.ref} image={route.image} schema={route.schema} />
      );
    case 'diff':
      return <DiffPage repo={route.repo} from={route.from} to={route.to} />;
    case 'merge':
      return <MergePage repo={route.repo} branch={route.branch} />;
    case 'schema':
      return <SchemaPage repo={route.repo} version={route.version} />;
    case 'lineage':
      return <LineagePage repo={route.repo} prediction={route.prediction} />;
  }
}

function InRepository({ repo, children }: { repo: string; children: React.ReactNode }) {
  const { client } = useSession();
  // Asked at once, while the page below already asks for its own data.
  const whoami = useAsync(() => client.whoami(repo), [client, repo]);
  const media = useAsync(() => client.openMediaSession(repo), [client, repo]);
  const known = whoami.state === 'done' ? whoami.value : undefined;
  const mediaReady = media.state !== 'loading';
  const session = useMemo(() => ({ whoami: known, mediaReady }), [known, mediaReady]);
  if (whoami.state === 'failed') return <Failure error={whoami.error} />;
  return (
    <RepositoryContext.Provider value={session}>
      <p className="identity" aria-label="signed in as">
        {known && (
          <>
            {known.identity} <span className={`role role-${known.role}`}>{known.role}</span>
          </>
        )}
      </p>
      {/* The page asks for its data meanwhile, but shows once the token is known to be good:
          a refused token gets this frame's one failure, not one from each of the page's
          requests. */}
      <div className="repository-page" style={known ? undefined : { visibility: 'hidden' }}>
        {children}
      </div>
    </RepositoryContext.Provider>
  );
}

function Frame({ route, children }: { route: Route; children: React.ReactNode }) {
  const { signOut } = useSession();
  const repo = 'repo' in route ? route.repo : undefined;
  // The ref the page shows, kept when moving between the log, the gallery and the diff.
  const ref = 'ref' in route ? route.ref : undefined;
  const main = useFocusOnNavigation(hrefOf(route));
  return (
    <div className="frame">
      <header className="top">
        <nav aria-label="main">
          <Link to={{ page: 'repositories' }} className="brand">
            Verso
          </Link>
          {repo !== undefined && (
            <>
              <Link to={{ page: 'repository', repo, ref }}>{repo}</Link>
              <Link to={{ page: 'gallery', repo, ref: ref ?? 'main', where: '' }}>Gallery</Link>
              <Link to={{ page: 'diff', repo, from: 'main', to: ref ?? 'main' }}>Diff</Link>
              <Link to={{ page: 'schema', repo, version: undefined }}>Schema</Link>
              <Link to={{ page: 'lineage', repo, prediction: undefined }}>Lineage</Link>
            </>
          )}
        </nav>
        <button type="button" className="sign-out" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main className="page" ref={main} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/**
 * After an in-app navigation, the focus goes to the new page's heading (or its main element), as
 * a page load would put it at the top: the next Tab is the page's first control, and a screen
 * reader reads where it is. Not on the first page shown.
 */
function useFocusOnNavigation(href: string) {
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const el = main.current;
    if (!el || el.contains(document.activeElement)) return;
    const heading = el.querySelector<HTMLElement>('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    } else el.focus();
  }, [href]);
  return main;
}
