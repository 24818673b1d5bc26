/**
 * Semantic comparison of two COCO instances documents for the round-trip tests: same images
 * (matched by `file_name`, every field), same categories (every field), same annotations
 * (matched by id: same image, every field, numbers within 1e-6). `info`/`licenses` and the
 * order of elements and members are not compared.
 */
import { expect } from 'vitest';

type Obj = { [k: string]: unknown };
export interface CocoDoc {
  readonly images: Obj[];
  readonly annotations: Obj[];
  readonly categories: Obj[];
}

const TOLERANCE = 1e-6;

/** Deep equality with numbers within TOLERANCE; returns the path of the first difference. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= TOLERANCE ? null : `${path}: ${a} vs ${b}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Obj)[k], (b as Obj)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

function byKey(items: readonly Obj[], key: (o: Obj) => unknown): Map<unknown, Obj> {
  const m = new Map<unknown, Obj>();
  for (const o of items) m.set(key(o), o);
  expect(m.size, 'keys are unique').toBe(items.length);
  return m;
}

export function expectSameCoco(original: CocoDoc, exported: CocoDoc): void {
  const fileOf = (doc: CocoDoc) => {
    const m = new Map(doc.images.map((i) => [i['id'], i['file_name']]));
    return (a: Obj) => m.get(a['image_id']);
  };
  const origImages = byKey(original.images, (i) => i['file_name']);
  const outImages = byKey(exported.images, (i) => i['file_name']);
  expect([...outImages.keys()].sort()).toEqual([...origImages.keys()].sort());
  for (const [name, img] of origImages)
    expect(firstDifference(img, outImages.get(name)), `image ${String(name)}`).toBeNull();

  const origCats = byKey(original.categories, (c) => c['id']);
  const outCats = byKey(exported.categories, (c) => c['id']);
  expect(firstDifference(Object.fromEntries(origCats), Object.fromEntries(outCats))).toBeNull();

  const origFile = fileOf(original);
  const outFile = fileOf(exported);
  const outAnns = byKey(exported.annotations, (a) => a['id']);
  expect(outAnns.size).toBe(original.annotations.length);
  for (const a of original.annotations) {
    const b = outAnns.get(a['id']);
    expect(b, `annotation ${String(a['id'])}`).toBeDefined();
    expect(outFile(b!)).toBe(origFile(a));
    const strip = ({ image_id: _, ...rest }: Obj) => rest;
    expect(firstDifference(strip(a), strip(b!)), `annotation ${String(a['id'])}`).toBeNull();
  }
}
