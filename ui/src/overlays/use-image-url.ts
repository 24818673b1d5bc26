/**
 * An image the server sends only to a signed-in client, as a URL `<img>` can show (layer:
 * ui/overlays): fetched with the token, given as an object URL, revoked when the component goes
 * or the path changes, and the request aborted if it is still running then.
 */
import { useEffect, useState } from 'react';
import { useSession } from '../app/session-context.js';

export type ImageUrl = { readonly url?: string; readonly failed?: string };

export function useImageUrl(path: string | undefined): ImageUrl {
  const { client } = useSession();
  const [state, setState] = useState<ImageUrl>({});
  useEffect(() => {
    setState({});
    if (path === undefined) return;
    const abort = new AbortController();
    let url: string | undefined;
    client.fetchImage(path, abort.signal).then(
      (u) => {
        if (abort.signal.aborted) URL.revokeObjectURL(u);
        else setState({ url: (url = u) });
      },
      (e: unknown) => {
        if (!abort.signal.aborted) setState({ failed: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      abort.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [client, path]);
  return state;
}
