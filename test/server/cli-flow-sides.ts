/**
 * The two ways `cli-flow.test.ts` drives one repository through the same flow: the CLI
 * (`verso([...])` in process, `VERSO_AUTHOR` and `VERSO_COMMIT_TIME` fixed) on a local folder,
 * and the server's HTTP routes only (a token whose identity is that author, a server whose
 * clock is that time). Both answer in the CLI's `--json` member names, so the flow and its
 * comparisons are written once (`FlowSide`).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { expectFailure, expectOk, parseJsonLines, verso, type ShowJson } from '../e2e/helpers.js';
import type { TestServer } from './harness.js';

export interface RunJson {
  readonly id: string;
  readonly commit: string;
  readonly example_set: string;
  readonly example_count: number;
  readonly dataset_ref: string;
}
export interface ModelJson {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly run: string;
  readonly metrics: Record<string, unknown>;
}
export interface ConflictJson {
  readonly id: string;
  readonly kind: string;
  readonly base: unknown;
  readonly ours: unknown;
  readonly theirs: unknown;
}
export interface LogEntry {
  readonly id: string;
  readonly snapshot: string;
  readonly parents: readonly string[];
  readonly author: string;
  readonly time: string;
  readonly message: string;
}

/** One repository and the verbs of the flow, with the CLI's `--json` answers. */
export interface FlowSide {
  readonly name: 'cli' | 'server';
  importLabels(file: string, branch: string): Promise<void>;
  createBranch(name: string, from: string): Promise<void>;
  apply(file: string, branch: string): Promise<void>;
  /** A merge that must stop on conflicts: the pending merge's conflicts (from merge status). */
  mergeStopsOnConflict(from: string, into: string): Promise<ConflictJson[]>;
  resolve(into: string, id: string, choice: 'ours' | 'theirs'): Promise<void>;
  commitMerge(into: string): Promise<void>;
  createSchema(version: string, documentFile: string): Promise<void>;
  migrate(branch: string, to: string): Promise<void>;
  tag(name: string, ref: string): Promise<void>;
  startRun(dataset: string, where: string): Promise<RunJson>;
  registerModel(run: string, name: string, version: string): Promise<ModelJson>;
  /** The prediction ids, in file order. */
  recordPredictions(model: string, file: string): Promise<string[]>;
  lineageUp(id: string): Promise<Record<string, unknown>>;
  show(ref: string): Promise<ShowJson>;
  log(ref: string): Promise<LogEntry[]>;
  /** `verify`'s problems (empty when clean). */
  verifyProblems(): Promise<unknown[]>;
}

/** The CLI on a folder, every command with the same author and commit time. */
export async function cliSide(root: string, env: Record<string, string>): Promise<FlowSide> {
  expectOk(await verso(['init', root, '--json'], { env }), 'verso init');
  const ok = async (args: readonly string[]) =>
    expectOk(await verso(['--repo', root, ...args], { env }), `verso ${args.join(' ')}`).stdout;
  const json = async <T>(args: readonly string[]) => JSON.parse(await ok([...args, '--json'])) as T;
  return {
    name: 'cli',
    importLabels: async (file, branch) =>
      void (await ok(['import', 'labels', file, '--branch', branch])),
    createBranch: async (name, from) => void (await ok(['branch', 'create', name, '--from', from])),
    apply: async (file, branch) => void (await ok(['apply', file, '--branch', branch])),
    async mergeStopsOnConflict(from, into) {
      expectFailure(
        await verso(['--repo', root, 'merge', from, '--into', into], { env }),
        1,
        `merge into '${into}' stopped`,
      );
      return (await json<{ conflicts: ConflictJson[] }>(['merge', 'status', '--into', into]))
        .conflicts;
    },
    resolve: async (into, id, choice) =>
      void (await ok(['merge', 'resolve', id, '--into', into, `--${choice}`])),
    commitMerge: async (into) => void (await ok(['merge', 'commit', '--into', into])),
    createSchema: async (version, file) =>
      void (await ok(['schema', 'create', version, '--from', file])),
    migrate: async (branch, to) => void (await ok(['migrate', '--branch', branch, '--to', to])),
    tag: async (name, ref) => void (await ok(['tag', 'create', name, ref])),
    startRun: async (dataset, where) =>
      (await json<{ run: RunJson }>(['run', 'start', '--dataset', dataset, '--where', where])).run,
    registerModel: (run, name, version) =>
      json<ModelJson>(['model', 'register', '--run', run, '--name', name, '--version', version]),
    recordPredictions: async (model, file) =>
      (await ok(['predict', 'record', '--model', model, '--file', file])).trim().split('\n'),
    lineageUp: (id) => json<Record<string, unknown>>(['lineage', 'up', id]),
    show: (ref) => json<ShowJson>(['show', ref]),
    log: async (ref) => parseJsonLines<LogEntry>(await ok(['log', ref, '--json'])),
    verifyProblems: async () => (await json<{ problems: unknown[] }>(['verify'])).problems,
  };
}

/**
 * The server's routes only, with a `review`-role token (the least role every step needs: tags,
 * schema versions and migrations need it) whose identity is `author`, made by the admin.
 */
export async function serverSide(s: TestServer, author: string): Promise<FlowSide> {
  const made = await s.http('POST', s.repoPath('/tokens'), {
    token: s.tokens.admin,
    json: { name: 'flow', role: 'review', identity: author },
  });
  expect(made.status, made.text).toBe(201);
  const token: string = made.json().token;
  const call = async (method: string, path: string, opts: { json?: unknown; body?: string }) => {
    const answer = await s.http(method, s.repoPath(path), { token, ...opts });
    expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
    return answer;
  };
  const upload = (file: string) => ({ body: readFileSync(file, 'utf8') });
  const get = (path: string) => call('GET', path, {});
  const path = (segment: string) => encodeURIComponent(segment);
  return {
    name: 'server',
    importLabels: async (file, branch) =>
      void (await call('POST', `/branches/${path(branch)}/import`, upload(file))),
    createBranch: async (name, from) =>
      void (await call('POST', '/branches', { json: { name, from } })),
    apply: async (file, branch) =>
      void (await call('POST', `/branches/${path(branch)}/apply`, upload(file))),
    async mergeStopsOnConflict(from, into) {
      const stopped = await s.http('POST', s.repoPath('/merges'), { token, json: { into, from } });
      expect([stopped.status, stopped.json().error.code]).toEqual([409, 'MERGE_CONFLICT']);
      return (await get(`/merges/${path(into)}`)).json().conflicts;
    },
    resolve: async (into, id, choice) =>
      void (await call('POST', `/merges/${path(into)}/resolve`, { json: { id, choice } })),
    commitMerge: async (into) => void (await call('POST', `/merges/${path(into)}/commit`, {})),
    createSchema: async (version, file) =>
      void (await call('POST', `/schemas/${path(version)}`, {
        json: JSON.parse(readFileSync(file, 'utf8')),
      })),
    migrate: async (branch, to) =>
      void (await call('POST', `/branches/${path(branch)}/migrate`, { json: { to } })),
    tag: async (name, ref) => void (await call('POST', '/tags', { json: { name, ref } })),
    startRun: async (dataset, where) =>
      (await call('POST', '/runs', { json: { dataset, where } })).json(),
    registerModel: async (run, name, version) =>
      (await call('POST', '/models', { json: { run, name, version } })).json(),
    recordPredictions: async (model, file) =>
      (await call('POST', `/models/${path(model)}/predictions`, upload(file))).json().predictions,
    lineageUp: async (id) => (await get(`/lineage/up/${path(id)}`)).json(),
    show: async (ref) => (await get(`/commits/${path(ref)}`)).json(),
    log: async (ref) => (await get(`/log?ref=${path(ref)}`)).lines(),
    verifyProblems: async () => (await get('/verify')).json().problems,
  };
}
