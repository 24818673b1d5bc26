/**
 * How `verso diff` prints (layer: cli): text and `--stat` (per tree, then per class); `--json`
 * is the runner's JSON Lines of the changes.
 *
 * Text: one header line per change (`~ labels   IMAGE LABEL`, as before; `~ annotations IMAGE
 * OBJECT by ANNOTATOR` for an annotator's labeling), then for a modified
 * record one indented line per changed field (`field: before → after`, `(absent)` for a member
 * one side lacks) and, for a label whose geometry moved, `box moved dx .. dy .. dw .. dh ..,
 * IoU ..` and `keypoints moved: N points, mean D px`; an added or removed record prints its
 * value after the key. Values longer than VALUE_CHARS are cut with `…` (`--json` has them
 * whole).
 */
import type { JsonValue } from '../../core/canonical.js';
import type { ChangeDetail, DiffStat } from '../../api/read/index.js';
import type { FieldChange } from '../../dataset/record-change.js';

const VALUE_CHARS = 120;
const SIGN = { added: '+', removed: '-', modified: '~' } as const;

export function changeText(c: ChangeDetail): string {
  if (c.track) {
    const t = c.track;
    const what = c.change === 'modified' ? t.summary : c.change;
    return `${SIGN[c.change]} ${c.tree.padEnd(8)} ${t.video} track ${t.track} (${t.class}): ${what || 'record changed'}`;
  }
  const by = c.annotator === undefined ? '' : ` by ${c.annotator}`;
  const head = `${SIGN[c.change]} ${c.tree.padEnd(8)} ${c.key.image}${c.key.label === undefined ? '' : ` ${c.key.label}`}${by}`;
  if (c.change !== 'modified') {
    const value = c.change === 'added' ? c.after : c.before;
    return value === undefined ? head : `${head}  ${valueText(value)}`;
  }
  const lines = [head, ...(c.fields ?? []).map(fieldLine)];
  const box = c.geometry?.box;
  if (box)
    lines.push(
      `    box moved dx ${signed(box.dx)} dy ${signed(box.dy)} dw ${signed(box.dw)} dh ${signed(box.dh)}, IoU ${box.iou}`,
    );
  const kp = c.geometry?.keypoints;
  if (kp) lines.push(`    keypoints moved: ${kp.moved} points, mean ${kp.mean_distance} px`);
  return lines.join('\n');
}

function fieldLine(f: FieldChange): string {
  const side = (v: JsonValue | undefined) => (v === undefined ? '(absent)' : valueText(v));
  return `    ${f.field === '' ? '' : `${f.field}: `}${side(f.before)} → ${side(f.after)}`;
}

function valueText(v: JsonValue): string {
  const s = JSON.stringify(v);
  return s.length <= VALUE_CHARS ? s : `${s.slice(0, VALUE_CHARS - 1)}…`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

export function statLines(stat: DiffStat): string[] {
  const { classes, ...trees } = stat;
  const lines = Object.entries(trees).map(
    ([t, c]) => `${t.padEnd(8)} +${c.added} -${c.removed} ~${c.modified}`,
  );
  const names = Object.keys(classes);
  if (names.length === 0) return lines;
  const width = Math.max(5, ...names.map((n) => n.length));
  lines.push('', `${'class'.padEnd(width)}  added  removed  modified`);
  for (const [name, c] of Object.entries(classes))
    lines.push(
      `${name.padEnd(width)}  ${`+${c.added}`.padStart(5)}  ${`-${c.removed}`.padStart(7)}  ${`~${c.modified}`.padStart(8)}`,
    );
  return lines;
}
