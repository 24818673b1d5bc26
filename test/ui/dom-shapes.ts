/**
 * The few DOM shapes the UI tests use inside `page.evaluate` (the test programs are compiled for
 * Node, without the DOM library): an element's rectangle, attributes, children, and the page's
 * document and session storage.
 */
export interface DomRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface DomElement {
  getBoundingClientRect(): DomRect;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
  readonly textContent: string | null;
  /** Images only: the picture has loaded. */
  readonly complete?: boolean;
  /** Pixels of a loaded `<img>` (0 while loading or when it failed). */
  readonly naturalWidth?: number;
}

export interface DomWindow {
  readonly document: DomElement;
  readonly sessionStorage: { getItem(key: string): string | null };
}
