/**
 * Tasks of a CVAT project export (layer: formats).
 *
 * A project export lists its tasks in `<meta><project><tasks><task><id/><name/>` and tags each
 * `<image>` with `task_id`. Frame names are per task (`frame_000000` in every video task), so
 * two tasks may name different frames alike: read together, one would silently overwrite the
 * other's image. `selectTask` refuses that, naming the tasks, unless one task is chosen
 * (`verso import cvat FILE --task ID`), and then keeps only that task's images.
 */
import { FormatParseError } from '../../core/errors.js';
import { imageIdOfPath } from '../yolo/yolo-layout.js';

type Node = { [k: string]: unknown };

export interface IndexedImage {
  readonly node: unknown;
  /** Position among the file's `<image>` elements (for naming it in errors). */
  readonly index: number;
}

/** The images to read: all of them, or those of `task`; refuses frame names reused across tasks. */
export function selectTask(
  root: Node,
  images: readonly unknown[],
  file: string,
  task: string | undefined,
): IndexedImage[] {
  const all = images.map((node, index) => ({ node, index }));
  const names = taskNames(root);
  if (task !== undefined) {
    const chosen = all.filter((i) => taskOf(i.node) === task);
    const singleTask = all.every((i) => taskOf(i.node) === undefined) && names.has(task);
    if (chosen.length === 0 && !singleTask)
      throw new FormatParseError(
        file,
        'document',
        'task_id',
        `no <image> of task ${task} in this file (${describeTasks(all, names)})`,
      );
    return singleTask ? all : chosen;
  }
  const seen = new Map<string, IndexedImage>();
  for (const img of all) {
    const name = nameOf(img.node);
    if (name === undefined) continue;
    const id = imageIdOfPath(name);
    const first = seen.get(id);
    const [a, b] = [first && taskOf(first.node), taskOf(img.node)];
    if (first && a !== undefined && b !== undefined && a !== b)
      throw new FormatParseError(
        file,
        `<image> #${img.index} (name '${name}')`,
        'task_id',
        `task ${label(b, names)} reuses frame names of task ${label(a, names)} ('${id}' is in both): ` +
          `import one task at a time (${describeTasks(all, names)})`,
        { reader: 'cvat', oneTask: true },
      );
    if (!first) seen.set(id, img);
  }
  return all;
}

/** Task id -> name from the project's `<meta>` (a task export: its one task). */
function taskNames(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  const meta = isNode(root['meta']) ? root['meta'] : {};
  const project = isNode(meta['project']) ? meta['project'] : {};
  const holder = isNode(project['tasks']) ? project['tasks']['task'] : meta['task'];
  for (const t of Array.isArray(holder) ? holder : [holder])
    if (isNode(t) && t['id'] !== undefined) out.set(String(t['id']), String(t['name'] ?? ''));
  return out;
}

function describeTasks(all: readonly IndexedImage[], names: ReadonlyMap<string, string>): string {
  const counts = new Map<string, number>();
  for (const i of all) {
    const t = taskOf(i.node);
    if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  if (counts.size === 0) return 'its images carry no task_id';
  const shown = [...counts].slice(0, 10).map(([t, n]) => `${label(t, names)}: ${n} images`);
  return `tasks ${shown.join(', ')}${counts.size > 10 ? `, ... (${counts.size} tasks)` : ''}`;
}

const label = (id: string, names: ReadonlyMap<string, string>) =>
  names.get(id) ? `${id} ('${names.get(id)}')` : id;

const attr = (node: unknown, k: string): string | undefined => {
  const v = isNode(node) ? node[`@${k}`] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const taskOf = (node: unknown) => attr(node, 'task_id');
const nameOf = (node: unknown) => attr(node, 'name');
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
