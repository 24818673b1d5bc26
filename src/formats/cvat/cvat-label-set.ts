/**
 * The `<labels>` a CVAT export declares (layer: formats): every class its shapes use, with the
 * attributes they carry and, for a skeleton class, its points. Pure.
 *
 * The readers (`read-cvat.ts` `declaredLabels`, `readAttributes`, `skeletonKeypoints`) type an
 * `<attribute>` by its declared `input_type` (checkbox -> boolean, number -> number, else
 * string) and read a skeleton's points in the order of its declared sub-labels. So an
 * attribute is declared with the type of its values (one type per class and name: a class
 * whose shapes give one attribute two types cannot be written), and a skeleton class with as
 * many point sub-labels as its keypoints (one count per class). Sub-labels share the file's
 * one namespace of label names: they are named `1`, `2`, ... (what CVAT names them) when that
 * is unambiguous (one skeleton class, no class of those names), else `<class>.1`, ...
 * Classes are declared in the order they were first used (`declare` first pins an order).
 */
import type { JsonValue } from '../../core/canonical.js';
import { textElement, xmlText } from './write-cvat-xml.js';

type AttributeType = 'checkbox' | 'number' | 'text';
type Attributes = { readonly [k: string]: JsonValue };

interface LabelUse {
  readonly attributes: Map<string, AttributeType>;
  points?: number;
}

const typeOf = (v: JsonValue): AttributeType | undefined =>
  typeof v === 'boolean'
    ? 'checkbox'
    : typeof v === 'number'
      ? 'number'
      : typeof v === 'string'
        ? 'text'
        : undefined;

/** How CVAT writes an attribute value of the declared type. */
export const attributeText = (v: JsonValue): string => String(v);

export class CvatLabelSet {
  private readonly labels = new Map<string, LabelUse>();
  private parts: ReadonlyMap<string, readonly string[]> | undefined;

  /** Declares a class (no shape yet): fixes its place in the order. */
  declare(label: string): void {
    if (!this.labels.has(label)) this.labels.set(label, { attributes: new Map() });
  }

  /**
   * Records a shape of `label` with `attributes` (the `<attribute>`s it writes) and, for a
   * skeleton, its number of points; returns why it cannot be declared, or undefined.
   */
  use(label: string, attributes?: Attributes, skeletonPoints?: number): string | undefined {
    this.declare(label);
    const use = this.labels.get(label)!;
    for (const [name, value] of Object.entries(attributes ?? {})) {
      const type = typeOf(value);
      if (type === undefined)
        return `attribute '${name}' is ${JSON.stringify(value)}: CVAT attributes are a boolean, number or text`;
      const known = use.attributes.get(name);
      if (known !== undefined && known !== type)
        return `attribute '${name}' of class '${label}' is a ${known} on one shape and a ${type} on another`;
      use.attributes.set(name, type);
    }
    if (skeletonPoints !== undefined) {
      if (use.points !== undefined && use.points !== skeletonPoints)
        return `skeletons of class '${label}' have ${use.points} points on one shape and ${skeletonPoints} on another`;
      use.points = skeletonPoints;
    }
    this.parts = undefined;
    return undefined;
  }

  /** The point sub-label names of a skeleton class, in keypoint order (empty for others). */
  partNames(label: string): readonly string[] {
    this.parts ??= this.nameParts();
    return this.parts.get(label) ?? [];
  }

  private nameParts(): Map<string, readonly string[]> {
    const skeletons = [...this.labels].filter(([, u]) => u.points !== undefined);
    const plain = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));
    const unambiguous =
      skeletons.length === 1 && plain(skeletons[0]![1].points!).every((p) => !this.labels.has(p));
    return new Map(
      skeletons.map(([label, u]) => [
        label,
        unambiguous ? plain(u.points!) : plain(u.points!).map((p) => `${label}.${p}`),
      ]),
    );
  }

  /** `<labels>...</labels>`. */
  xml(): string {
    const out: string[] = [];
    for (const [label, use] of this.labels) {
      const attrs = [...use.attributes]
        .map(
          ([name, type]) =>
            `<attribute>${textElement('name', name)}${textElement('input_type', type)}</attribute>`,
        )
        .join('');
      const type = use.points !== undefined ? 'skeleton' : 'any';
      out.push(
        `<label>${textElement('name', label)}${textElement('type', type)}<attributes>${attrs}</attributes></label>`,
      );
      for (const part of this.partNames(label))
        out.push(
          `<label>${textElement('name', part)}${textElement('type', 'points')}<attributes></attributes><parent>${xmlText(label)}</parent></label>`,
        );
    }
    return `<labels>${out.join('')}</labels>`;
  }
}
