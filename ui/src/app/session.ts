/**
 * The signed-in token (layer: ui/app). It lives in session storage (this tab, until it closes),
 * never in local storage or a cookie script can read (the server's HttpOnly media cookie carries
 * it for image reads only: `server/media-cookie.ts`). A URL that carries `?token=...` (the sign-in URL `verso
 * serve` prints, as Jupyter's) signs in: the token is stored and removed from the address bar
 * and from history, so it is not left in bookmarks or screenshots.
 */
const TOKEN_KEY = 'verso.token';

export function takeTokenFromUrl(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  url.searchParams.delete('token');
  if (token.trim() !== '') saveToken(token.trim());
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

export function storedToken(): string | null {
  return window.sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string): void {
  window.sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  window.sessionStorage.removeItem(TOKEN_KEY);
}
