/**
 * What the gallery shows, a page at a time (layer: ui/gallery): the images of a ref with their
 * labels, loaded from `GET /images` only for the pages the grid has in view, so the first screen
 * of a 10M-label repository costs one page.
 *
 * Without a filter the gallery is every image with an asset record: the first answer gives the
 * total, the grid lays out that many cells, and page k (`offset = k * PAGE_SIZE`) is fetched
 * when one of its cells comes into view. With a filter the number of matching images is not
 * known up front: pages follow the server's cursor (`after` = the last image of the previous
 * page), and the grid keeps one page of placeholders past the loaded images while there are
 * more, fetching the next page when they come into view.
 */
import { useEffect, useReducer, useState } from 'react';
import type { ApiClient } from '../api/client.js';
import type { Asset, ImagePageAnswer, Label } from '../api/types.js';

/** Images per request: about three screens of thumbnails at 1280x800. */
export const PAGE_SIZE = 60;

export interface GalleryImage {
  readonly image: string;
  readonly asset: Asset | undefined;
  readonly labels: readonly Label[];
}

export interface GalleryQuery {
  readonly repo: string;
  readonly ref: string;
  readonly where: string;
  readonly schema: string | undefined;
}

/** The loaded pages of one gallery (one ref, filter and schema). */
export class GalleryPages {
  /** Unfiltered: the pages by number. Filtered: page 0 is every image loaded so far. */
  private readonly pages = new Map<number, GalleryImage[]>();
  private readonly loading = new Set<number>();
  private readonly abort = new AbortController();
  private next: string | undefined;
  private more = true;
  /** Images with an asset record (unfiltered), known from the first answer. */
  total: number | undefined;
  error: Error | undefined;
  /** Requests answered (a test and the bench read it to see paging at work). */
  fetched = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly query: GalleryQuery,
    private readonly changed: () => void,
  ) {
    this.want(0, 0);
  }

  isFor(client: ApiClient, q: GalleryQuery): boolean {
    const mine = this.query;
    return (
      client === this.client &&
      q.repo === mine.repo &&
      q.ref === mine.ref &&
      q.where === mine.where &&
      q.schema === mine.schema
    );
  }

  get filtered(): boolean {
    return this.query.where !== '';
  }

  /** Whether the first page has come. */
  get ready(): boolean {
    return this.pages.has(0);
  }

  /** Images loaded (filtered), and whether the server has more. */
  get loaded(): { readonly images: number; readonly more: boolean } {
    return { images: this.pages.get(0)?.length ?? 0, more: this.filtered && this.more };
  }

  /** Cells the grid lays out. */
  get count(): number {
    if (!this.filtered) return this.total ?? 0;
    const { images, more } = this.loaded;
    return more ? images + PAGE_SIZE : images;
  }

  itemAt(index: number): GalleryImage | undefined {
    if (this.filtered) return this.pages.get(0)?.[index];
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Cells `first`..`last` are in view: fetches the pages they need that are not loaded. */
  want(first: number, last: number): void {
    if (this.error) return;
    if (this.filtered) {
      const { images, more } = this.loaded;
      if (more && (!this.ready || last >= images) && !this.loading.has(0)) void this.fetchNext();
      return;
    }
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++)
      if (!this.pages.has(p) && !this.loading.has(p)) void this.fetchPage(p);
  }

  dispose(): void {
    this.abort.abort();
  }

  private async fetchPage(page: number): Promise<void> {
    this.loading.add(page);
    const answer = await this.request({ offset: page * PAGE_SIZE });
    this.loading.delete(page);
    if (!answer) return;
    this.total = answer.total ?? 0;
    this.pages.set(page, imagesOf(answer));
    this.changed();
  }

  private async fetchNext(): Promise<void> {
    this.loading.add(0);
    const answer = await this.request(this.next === undefined ? {} : { after: this.next });
    this.loading.delete(0);
    if (!answer) return;
    this.pages.set(0, [...(this.pages.get(0) ?? []), ...imagesOf(answer)]);
    this.next = answer.next;
    this.more = answer.next !== undefined;
    this.changed();
  }

  private async request(at: {
    offset?: number;
    after?: string;
  }): Promise<ImagePageAnswer | undefined> {
    const { repo, ref, where, schema } = this.query;
    try {
      const answer = await this.client.imagePage(
        repo,
        ref,
        {
          ...at,
          limit: PAGE_SIZE,
          ...(where !== '' ? { where } : {}),
          ...(schema !== undefined ? { schema } : {}),
        },
        this.abort.signal,
      );
      this.fetched++;
      return answer;
    } catch (e) {
      if (this.abort.signal.aborted) return undefined;
      this.error = e instanceof Error ? e : new Error(String(e));
      this.changed();
      return undefined;
    }
  }
}

function imagesOf(answer: ImagePageAnswer): GalleryImage[] {
  return answer.images.map((i) => ({
    image: i.image,
    asset: i.asset as Asset | undefined,
    labels: i.labels as Label[],
  }));
}

/**
 * The pages of the gallery of `query`, re-rendering the caller as they arrive (undefined until
 * the store for this query exists). The store is made in an effect, so the requests of a store
 * whose query changed (or that StrictMode unmounted) are aborted.
 */
export function useGalleryPages(client: ApiClient, query: GalleryQuery): GalleryPages | undefined {
  const [, changed] = useReducer((n: number) => n + 1, 0);
  const [pages, setPages] = useState<GalleryPages | undefined>();
  const { repo, ref, where, schema } = query;
  useEffect(() => {
    const made = new GalleryPages(client, { repo, ref, where, schema }, changed);
    setPages(made);
    return () => made.dispose();
  }, [client, repo, ref, where, schema]);
  return pages?.isFor(client, query) ? pages : undefined;
}
