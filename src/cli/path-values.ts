/**
 * Path-valued operands and options (layer: cli): the one place where what the user typed as a
 * file or folder is resolved against the invocation's folder (`main({cwd})`), so the api layer
 * always gets absolute paths and never depends on the process's folder.
 *
 * Which values are paths is read from the command line's own placeholders, the names the help
 * shows: an operand or option value named `file`, `path`, `dir` or `paths` (`apply <file>`,
 * `--out <path>`, `add images <paths...>`, `init [dir]`) is a path. A new command gets its paths
 * resolved by naming them so; `test/e2e/cli-paths.test.ts` lists every one.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Argument, Command, Option } from 'commander';

/** The placeholder names of path values. */
export const PATH_VALUE_NAMES: ReadonlySet<string> = new Set(['file', 'path', 'dir', 'paths']);

/** Whether an option's value is a path (`--out <path>`). */
export function isPathOption(option: Option): boolean {
  const name = /[<[]([\w-]+)(?:\.\.\.)?[>\]]/.exec(option.flags)?.[1];
  return name !== undefined && PATH_VALUE_NAMES.has(name);
}

/** Whether an operand is a path (`<file>`, `[dir]`, `<paths...>`). */
export function isPathArgument(argument: Argument): boolean {
  return PATH_VALUE_NAMES.has(argument.name());
}

/**
 * A URI (`file:///data/a.jpg`; `add images` takes `file:` URIs and refuses other schemes):
 * passed on as typed. The same test as `api/images/image-sources.ts`'s: a scheme and `://`.
 */
const URI = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * `value` (a string or a list of them, as commander parsed it) resolved against `cwd`;
 * absolute paths and URIs as they are.
 */
export function resolvePathValue(cwd: string, value: unknown): unknown {
  if (typeof value === 'string')
    return isAbsolute(value) || URI.test(value) ? value : resolve(cwd, value);
  if (Array.isArray(value)) return value.map((v) => resolvePathValue(cwd, v));
  return value;
}

/** The operands of `command` with its path operands resolved against `cwd`. */
export function resolvePathArguments(
  command: Command,
  args: readonly unknown[],
  cwd: string,
): unknown[] {
  return args.map((value, i) => {
    const argument = command.registeredArguments[i];
    return argument && isPathArgument(argument) ? resolvePathValue(cwd, value) : value;
  });
}

/**
 * The parsed options with every path option of `command` resolved against `cwd`; with
 * `inherited` (the options came from `optsWithGlobals`), those of its parent commands too. The
 * root's `--repo` is left as typed: the repository search resolves it, and names it as typed
 * when nothing is found.
 */
export function resolvePathOptions<O extends Record<string, unknown>>(
  command: Command,
  opts: O,
  cwd: string,
  inherited: boolean,
): O {
  const out: Record<string, unknown> = { ...opts };
  for (let c: Command | null = command; c?.parent; c = inherited ? c.parent : null)
    for (const option of c.options) {
      const key = option.attributeName();
      if (isPathOption(option) && out[key] !== undefined)
        out[key] = resolvePathValue(cwd, out[key]);
    }
  return out as O;
}
