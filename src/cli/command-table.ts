/**
 * The command table (layer: cli): every command as data, `{name, description, spec, run,
 * render}`, and the one runner that registers it with commander and runs it.
 *
 * - `run(repo, input, rc)` (or `run(input, rc)` for a command without a repository) returns
 *   plain data and never prints: a document (a JSON-shaped object: the member names are the
 *   ones `--json` prints, after `json-case.ts`), `Records` (a stream of records) or `RawBlocks`
 *   (bytes that are already JSON Lines, `verso cat`). The HTTP server calls `run` and serializes
 *   the data itself.
 * - `render(data, input)` gives the text lines of the data.
 * - The runner does the rest, the same for every command: opening and closing the repository
 *   (`--repo`, else `VERSO_REPO`, else the current folder), the progress bar, `--json` (one
 *   JSON document on one line; JSON Lines for `Records`; the bytes as they are for `RawBlocks`),
 *   usage checks (`check`, exit 2) and failures found in the data after it was printed
 *   (`failure`, e.g. `verify`'s problems), and paths: operands and option values named
 *   `file`, `path`, `dir` or `paths` reach `run` resolved against the invocation's folder
 *   (`path-values.ts`).
 */
import type { Command } from 'commander';
import type { ProgressFn } from '../api/repository/index.js';
import type { Repository } from '../api/repository/index.js';
import type { VersoError } from '../core/errors.js';
import { withRepository, type CliContext, type GlobalOptions } from './context.js';
import type { CliEnvironment } from './environment.js';
import { printBlocks, printJson, printJsonLines, printLines } from './output.js';
import { resolvePathArguments, resolvePathOptions } from './path-values.js';
import { endProgress, progressBar } from './progress-bar.js';

/**
 * A stream of records: `--json` prints one JSON object per line. `verbatim` records are in
 * their interchange shape already (asset records): their member names are printed as they are.
 */
export class Records<T> implements AsyncIterable<T> {
  constructor(
    private readonly items: Iterable<T> | AsyncIterable<T>,
    readonly options: { readonly verbatim?: boolean } = {},
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const x of this.items) yield x;
  }

  /** The records' text, one string (possibly several lines) per record. */
  map<U>(fn: (x: T) => U): AsyncIterable<U> {
    const items = this.items;
    return (async function* () {
      for await (const x of items) yield fn(x);
    })();
  }
}

/** Bytes of whole lines that are printed as they are, with or without `--json`. */
export class RawBlocks {
  constructor(readonly blocks: AsyncIterable<Uint8Array>) {}
}

/** What commander parsed: the operands in order and the command's own options. */
export interface CommandInput<O> {
  readonly args: readonly unknown[];
  readonly opts: O;
}

/** What a command runs with besides its input. */
export interface RunContext {
  /** Reports progress of a long operation (a bar when stderr is a TTY), or undefined. */
  readonly progress: ProgressFn | undefined;
  readonly env: CliEnvironment;
  /** The invocation's folder (path operands and options are resolved against it already). */
  readonly cwd: string;
  /** The global options (`--repo`). */
  readonly globals: GlobalOptions;
  /** Prints a line to stdout now (a long-running command's announcements: `serve`'s URL). */
  readonly announce: (line: string) => void;
}

export type Lines = Iterable<string> | AsyncIterable<string>;

interface CommandBase<O, D> {
  /** Name and operands as commander takes them: `'log [ref]'`. */
  readonly name: string;
  readonly description: string;
  /** The default subcommand of its group (`verso branch` = `verso branch list`). */
  readonly isDefault?: boolean;
  /** Adds the command's options and described arguments (not `--json`: the runner adds it). */
  readonly spec?: (cmd: Command) => Command;
  /** The help text of `--json` (default: "machine-readable output"). */
  readonly json?: string;
  /** Usage checks commander cannot express; throw a `UsageError` (exit 2). Runs first. */
  readonly check?: (input: CommandInput<O>) => void;
  /** Whether `opts` include the parent commands' options (`migrate status` reads `--branch`). */
  readonly inheritOptions?: boolean;
  /** Whether `run` gets a progress reporter. */
  readonly progress?: boolean;
  readonly render: (data: D, input: CommandInput<O>) => Lines;
  /** A failure the data shows, raised after the data was printed (`verify`'s problems). */
  readonly failure?: (data: D) => VersoError | undefined;
}

export interface RepositoryCommand<O, D> extends CommandBase<O, D> {
  readonly repository: true;
  run(repo: Repository, input: CommandInput<O>, rc: RunContext): Promise<D>;
}

export interface PlainCommand<O, D> extends CommandBase<O, D> {
  readonly repository: false;
  run(input: CommandInput<O>, rc: RunContext): Promise<D>;
}

export type CliCommand<O = never, D = unknown> = RepositoryCommand<O, D> | PlainCommand<O, D>;

/** A table entry with its types checked here and erased for the table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCliCommand = CliCommand<any, any>;

export function defineCommand<O, D>(def: CliCommand<O, D>): AnyCliCommand {
  return def;
}

/** Registers every command of `table` under `parent`. */
export function registerTable(
  parent: Command,
  ctx: CliContext,
  table: readonly AnyCliCommand[],
): void {
  for (const def of table) registerCommand(parent, ctx, def);
}

const tableCommands = new WeakMap<Command, AnyCliCommand>();

/** The table entry a commander command was registered from, if any (tests walk the tree). */
export function tableEntryOf(cmd: Command): AnyCliCommand | undefined {
  return tableCommands.get(cmd);
}

export function registerCommand(parent: Command, ctx: CliContext, def: AnyCliCommand): Command {
  const cmd = parent
    .command(def.name, def.isDefault ? { isDefault: true } : {})
    .description(def.description);
  tableCommands.set(cmd, def);
  def.spec?.(cmd);
  cmd.option('--json', def.json ?? 'machine-readable output');
  cmd.action(async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    // Path operands and options reach `run` resolved against the invocation's folder.
    const input: CommandInput<unknown> = {
      args: resolvePathArguments(command, params.slice(0, -2), ctx.cwd),
      opts: resolvePathOptions(
        command,
        def.inheritOptions ? command.optsWithGlobals() : command.opts(),
        ctx.cwd,
        def.inheritOptions === true,
      ),
    };
    await runCommand(ctx, def, input, command.optsWithGlobals<GlobalOptions>());
  });
  return cmd;
}

/** Runs one table command: check, open, run, print (text or JSON), close. */
export async function runCommand(
  ctx: CliContext,
  def: AnyCliCommand,
  input: CommandInput<unknown>,
  globals: GlobalOptions,
): Promise<void> {
  def.check?.(input);
  const progress = def.progress ? progressBar(ctx) : undefined;
  const rc: RunContext = {
    progress,
    env: ctx.env,
    cwd: ctx.cwd,
    globals,
    announce: (line) => {
      ctx.stdout.write(`${line}\n`);
      ctx.stdoutWritten = true;
    },
  };
  const print = async (data: unknown) => {
    endProgress(ctx, progress);
    await printData(ctx, def, data, input);
    const failure = def.failure?.(data);
    if (failure) throw failure;
  };
  if (def.repository)
    await withRepository(ctx, globals, async (repo) => print(await def.run(repo, input, rc)));
  else await print(await def.run(input, rc));
}

async function printData(
  ctx: CliContext,
  def: AnyCliCommand,
  data: unknown,
  input: CommandInput<unknown>,
): Promise<void> {
  if (data instanceof RawBlocks) return printBlocks(ctx, data.blocks);
  if (!(input.opts as { json?: boolean }).json) return printLines(ctx, def.render(data, input));
  if (data instanceof Records)
    return data.options.verbatim
      ? printLines(
          ctx,
          data.map((x) => JSON.stringify(x)),
        )
      : printJsonLines(ctx, data);
  return printJson(ctx, data ?? {});
}
