/**
 * The command groups one invocation loads: each group registers exactly the top-level words it
 * lists, and the tree built for a command word holds that command exactly as the whole tree
 * does (same subcommands, operands and options), so loading less changes no behaviour.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgramFor, COMMAND_GROUPS, commandWord } from './command-groups.js';
import type { CliContext } from './context.js';
import { buildProgram } from './program.js';
import { rootCommand } from './program-root.js';

const ctx: CliContext = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: {},
  cwd: process.cwd(),
  json: false,
  stdoutWritten: false,
};

function topWords(program: Command): string[] {
  return program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
}

/** A command's shape: its usage, options and subcommands, recursively. */
function shape(cmd: Command): unknown {
  return {
    name: cmd.name(),
    aliases: cmd.aliases(),
    usage: cmd.usage(),
    description: cmd.description(),
    options: cmd.options.map((o) => [o.flags, o.description, o.defaultValue]),
    commands: cmd.commands.map(shape),
  };
}

describe('COMMAND_GROUPS', () => {
  it('lists the top-level words each group registers', async () => {
    for (const group of COMMAND_GROUPS) {
      const program = rootCommand();
      (await group.load())(program, ctx);
      expect(new Set(topWords(program))).toEqual(new Set(group.words));
    }
  });

  it('covers every top-level command of the whole tree', () => {
    const listed = new Set(COMMAND_GROUPS.flatMap((g) => g.words));
    expect(new Set(topWords(buildProgram(ctx)))).toEqual(listed);
  });

  it('builds each command as the whole tree has it', async () => {
    const whole = buildProgram(ctx);
    for (const cmd of whole.commands) {
      const part = await buildProgramFor(ctx, ['--repo', 'somewhere', cmd.name(), '--json']);
      const same = part.commands.find((c) => c.name() === cmd.name());
      expect(same && shape(same), cmd.name()).toEqual(shape(cmd));
      expect(part.options.map((o) => o.flags)).toEqual(whole.options.map((o) => o.flags));
    }
  });
});

describe('commandWord', () => {
  it('is the first operand, after --repo DIR or --repo=DIR', () => {
    expect(commandWord(['log', 'main'])).toBe('log');
    expect(commandWord(['--repo', 'r', 'log'])).toBe('log');
    expect(commandWord(['--repo=r', 'branch', 'list'])).toBe('branch');
  });

  it('is undefined when another option, `--` or nothing comes first', () => {
    expect(commandWord([])).toBeUndefined();
    expect(commandWord(['--help'])).toBeUndefined();
    expect(commandWord(['--version'])).toBeUndefined();
    expect(commandWord(['--', 'log'])).toBeUndefined();
    expect(commandWord(['--repo'])).toBeUndefined();
  });
});

describe('buildProgramFor', () => {
  it('builds no command for a line that starts with --version', async () => {
    expect((await buildProgramFor(ctx, ['--version'])).commands).toEqual([]);
    expect((await buildProgramFor(ctx, ['-V', 'log'])).commands).toEqual([]);
  });

  it('builds the whole tree for help, completion and unknown words', async () => {
    const whole = topWords(buildProgram(ctx));
    for (const argv of [[], ['--help'], ['help', 'log'], ['completion', 'bash'], ['lgo']])
      expect(topWords(await buildProgramFor(ctx, argv)), argv.join(' ')).toEqual(whole);
  });

  it('builds the groups of the command word and the help group', async () => {
    expect(topWords(await buildProgramFor(ctx, ['log']))).toEqual([
      'log',
      'show',
      'diff',
      'cat',
      'tracks',
      'completion',
      'help',
    ]);
    expect(topWords(await buildProgramFor(ctx, ['import', 'coco']))).toEqual([
      'import',
      'apply',
      'export',
      'split',
      'completion',
      'help',
    ]);
  });
});
