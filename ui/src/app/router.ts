/**
 * The UI's addresses (layer: ui/app): each page is a path under `/r/<repo>/` with its state in
 * the query (`?ref=`, `?where=`), so every view can be reloaded, shared and bookmarked (the
 * server answers any such path with the app: src/server/ui-routes.ts). `useRoute` re-renders on
 * navigation; `navigate` pushes a new address without reloading.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { readonly page: 'repositories' }
  | { readonly page: 'repository'; readonly repo: string; readonly ref: string | undefined }
  | {
      readonly page: 'gallery';
      readonly repo: string;
      readonly ref: string;
      readonly where: string;
      /** Read the labels as this schema version (`?schema=2.3`); default: as stored. */
      readonly schema?: string | undefined;
    }
  | {
      readonly page: 'image';
      readonly repo: string;
      readonly ref: string;
      readonly image: string;
      readonly schema?: string | undefined;
    }
  | { readonly page: 'diff'; readonly repo: string; readonly from: string; readonly to: string }
  | { readonly page: 'merge'; readonly repo: string; readonly branch: string }
  | { readonly page: 'schema'; readonly repo: string; readonly version: string | undefined }
  | { readonly page: 'lineage'; readonly repo: string; readonly prediction: string | undefined }
  | { readonly page: 'not-found'; readonly path: string };

export function parseRoute(pathname: string, search: string): Route {
  const q = new URLSearchParams(search);
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts.length === 0) return { page: 'repositories' };
  const [r, repo, page, ...rest] = parts;
  if (r !== 'r' || repo === undefined) return { page: 'not-found', path: pathname };
  const ref = q.get('ref') ?? undefined;
  switch (page) {
    case undefined:
      return { page: 'repository', repo, ref };
    case 'gallery':
      return {
        page: 'gallery',
        repo,
        ref: ref ?? 'main',
        where: q.get('where') ?? '',
        schema: q.get('schema') ?? undefined,
      };
    case 'image':
      if (rest.length === 1)
        return {
          page: 'image',
          repo,
          ref: ref ?? 'main',
          image: rest[0]!,
          schema: q.get('schema') ?? undefined,
        };
      break;
    case 'diff':
      return { page: 'diff', repo, from: q.get('from') ?? 'main', to: q.get('to') ?? 'main' };
    case 'merge':
      if (rest.length === 1) return { page: 'merge', repo, branch: rest[0]! };
      break;
    case 'schema':
      return { page: 'schema', repo, version: q.get('version') ?? undefined };
    case 'lineage':
      if (rest.length <= 1) return { page: 'lineage', repo, prediction: rest[0] };
      break;
  }
  return { page: 'not-found', path: pathname };
}

export function hrefOf(route: Route): string {
  const base = (repo: string) => `/r/${encodeURIComponent(repo)}`;
  switch (route.page) {
    case 'repositories':
      return '/';
    case 'repository':
      return base(route.repo) + search({ ref: route.ref });
    case 'gallery':
      return (
        `${base(route.repo)}/gallery` +
        search({ ref: route.ref, where: route.where, schema: route.schema })
      );
    case 'image':
      return (
        `${base(route.repo)}/image/${encodeURIComponent(route.image)}` +
        search({ ref: route.ref, schema: route.schema })
      );
    case 'diff':
      return `${base(route.repo)}/diff` + search({ from: route.from, to: route.to });
    case 'merge':
      return `${base(route.repo)}/merge/${encodeURIComponent(route.branch)}`;
    case 'schema':
      return `${base(route.repo)}/schema` + search({ version: route.version });
    case 'lineage':
      return `${base(route.repo)}/lineage${route.prediction === undefined ? '' : `/${encodeURIComponent(route.prediction)}`}`;
    case 'not-found':
      return route.path;
  }
}

const NAVIGATED = 'verso:navigated';

export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATED));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

const currentHref = () => window.location.pathname + window.location.search;

export function useRoute(): Route {
  const href = useSyncExternalStore(subscribe, currentHref);
  const url = new URL(href, window.location.origin);
  return parseRoute(url.pathname, url.search);
}

function search(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
