/**
 * The media cookie (layer: server): how a browser's `<img src>` reads a repository's images.
 * An `<img>` sends no Authorization header, so the web UI would otherwise read every thumbnail
 * with `fetch` and hand it over as an object URL: JavaScript and a render per image, on the
 * page's main thread. Instead the UI calls `POST /repos/{repo}/media-session` with its bearer
 * token, and the server answers with an HttpOnly, SameSite=Strict cookie holding that token,
 * scoped by Path to `/repos/{repo}/blobs/`. The browser then sends it only with that
 * repository's image reads, and only routes marked `config.mediaCookie` (GET and HEAD of blobs
 * and thumbnails) accept it; every other route still needs the header. The token is checked on
 * every request as a bearer token is, so revoking it ends the cookie's use too; script cannot
 * read it, other sites cannot send it, and it never appears in a URL.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route accepts the media cookie in place of a bearer header (GET and HEAD only). */
    mediaCookie?: boolean;
  }
}

export const MEDIA_COOKIE = 'verso_media';

/** The secret the media cookie carries, when this request may use it and brings it. */
export function mediaCookieSecret(request: FastifyRequest): string | undefined {
  if (request.routeOptions.config.mediaCookie !== true) return undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === MEDIA_COOKIE) {
      const value = part.slice(eq + 1).trim();
      try {
        return value === '' ? undefined : decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Sets (or with `secret` undefined, clears) the media cookie of `repoName` on `reply`. */
export function setMediaCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  repoName: string,
  secret: string | undefined,
): void {
  const attributes = [
    `Path=/repos/${encodeURIComponent(repoName)}/blobs/`,
    'HttpOnly',
    'SameSite=Strict',
    ...(request.protocol === 'https' ? ['Secure'] : []),
    ...(secret === undefined ? ['Max-Age=0'] : []),
  ];
  reply.header(
    'set-cookie',
    `${MEDIA_COOKIE}=${secret === undefined ? '' : encodeURIComponent(secret)}; ${attributes.join('; ')}`,
  );
}
