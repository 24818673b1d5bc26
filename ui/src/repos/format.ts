/**
 * Small text forms shared by the pages (layer: ui/repos): short commit ids and change counts.
 */
export function shortId(id: string): string {
  return id.slice(0, 12);
}

export interface Counts {
  readonly added?: number;
  readonly removed?: number;
  readonly modified?: number;
}

/** `+3 −1 ~2`, or empty when nothing changed. */
export function countsText(c: Counts | undefined): string {
  if (!c) return '';
  const parts: string[] = [];
  if (c.added) parts.push(`+${c.added}`);
  if (c.removed) parts.push(`−${c.removed}`);
  if (c.modified) parts.push(`~${c.modified}`);
  return parts.join(' ');
}
