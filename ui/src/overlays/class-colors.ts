/**
 * A colour per class (layer: ui/overlays): the same class name always gets the same colour on
 * every page (a hash of the name into a palette of 20 well-separated hues, Tableau/Glasbey
 * style), so a class is recognisable across the gallery, the image page and the diff. The diff
 * uses its own three meanings (added, removed, changed) instead.
 */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#e6550d',
  '#31a354',
  '#843c39',
  '#7b4173',
  '#3182bd',
  '#fdae6b',
  '#74c476',
  '#ff9896',
  '#c5b0d5',
] as const;

export const DIFF_COLORS = { added: '#16a34a', removed: '#dc2626', modified: '#eab308' } as const;

export function classColor(className: string | undefined): string {
  const name = className ?? '';
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length]!;
}

/** The class a label shows: its `category`, else its `category_id`. */
export function classOf(label: Readonly<Record<string, unknown>>): string | undefined {
  const c = label['category'];
  if (typeof c === 'string') return c;
  const id = label['category_id'];
  return typeof id === 'number' ? String(id) : undefined;
}
