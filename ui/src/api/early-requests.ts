/**
 * Requests `index.html` started before the application's script had loaded (layer: ui/api):
 * on a first load of a gallery, its first page of images, its count, who the token is and the
 * media cookie, so they run while the script is fetched and parsed instead of after. The API
 * client takes each (same method and path, same token) once, in place of sending it again.
 */

interface EarlyRequests {
  readonly token: string;
  readonly requests: Record<string, Promise<Response> | undefined>;
}

declare global {
  interface Window {
    __versoEarly?: EarlyRequests;
  }
}

/** The early answer to `method path` for `token`, once; undefined when none was started. */
export function takeEarlyRequest(
  token: string,
  method: string,
  path: string,
): Promise<Response> | undefined {
  const early = typeof window === 'undefined' ? undefined : window.__versoEarly;
  if (!early || early.token !== token) return undefined;
  const key = `${method} ${path}`;
  const answer = early.requests[key];
  if (answer) delete early.requests[key];
  return answer;
}
