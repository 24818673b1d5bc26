/**
 * Layer rules (see docs/architecture.md): imports point down only.
 *   cli -> {server, remote, api, io, dataset, schema, formats, query, catalog (types), core}; api -> {vcs, formats, schema, query, dataset, io, catalog, store, tree, core}
 *   server -> {api, core} (the HTTP API); remote -> {api, core} (the client side of remotes: the HTTP transport)
 *   vcs -> {dataset, tree, store, catalog (types), core}; dataset -> {tree (types), core}
 *   formats -> {dataset, io, core} (one parser and writer per format, no storage)
 *   schema -> {dataset, core} (taxonomy model, deltas, migration mapping; pure)
 *   query -> {dataset, core} (filter language: lexer, parser, evaluator, periods; pure)
 *   influence -> {dataset, catalog (types), core} (lineage ids, vector files, influence kernels; pure)
 *   tree -> {store (the ChunkStore interface only), core}; store, catalog -> {io, core}; io -> core
 *   core -> nothing of ours
 * "(types)" edges are enforced as type-only imports: a value import there is an error. Pure
 * layers do not touch the file system or processes. Tests and test support are cruised too: a
 * test may import anything, production code never imports a test. No module is an orphan.
 * bench/ (outside src/) may use anything; src/ never imports bench/.
 *
 * api/ features (docs/architecture.md, "The api map"): each `api/<feature>/index.ts` exports the
 * feature's public verbs and types. Outside api/ (cli/, src/index.ts) a feature is imported only
 * through its index.ts (cli may load it lazily: `await import('../../api/<feature>/index.js')`).
 * Inside api/ a feature uses another's modules directly and never an index.ts: the index is the
 * facade for callers, and routing internals through it would load a whole feature for one helper
 * and turn crossing uses (read's cat uses query's filter, the filter uses read's label scan) into
 * module cycles. no-circular keeps the module graph acyclic.
 *
 * Between api features, `API_FEATURE_USES` lists which other features each one may import
 * (its modules, as above). `repository/` and `write/` are infrastructure every feature may
 * use; they import no feature, except the composition root (`repository/compose.ts`), which
 * registers the commit-time maintainers (`blame/blame-maintain.ts`, `query/tree-index-maintain.ts`).
 * No api module imports cli/ (the api layer rule).
 */
const TEST = '\\.test\\.ts$|\\.contract\\.ts$|/testing\\.ts$';
const layer = (name, allowed) => ({
  name: `${name}-layering`,
  comment: `${name}/ may import only: ${allowed.join(', ') || 'nothing of ours'}`,
  severity: 'error',
  from: { path: `^src/${name}/`, pathNot: TEST },
  to: { path: '^src/', pathNot: [`^src/${name}/`, ...allowed.map((a) => `^src/${a}/`)] },
});
/** `from` may use `to` for its types only. */
const typesOnly = (from, to) => ({
  name: `${from}-uses-${to.replace(/\W+/g, '-')}-types-only`,
  comment: `${from}/ may import ${to} for types only (import type)`,
  severity: 'error',
  from: { path: `^src/${from}/`, pathNot: TEST },
  to: { path: `^src/${to}`, dependencyTypesNot: ['type-only'] },
});
const PURE = ['core', 'tree', 'dataset', 'schema', 'query', 'influence', 'vcs'];

/** api features and the other features each may import (docs/architecture.md, "The api map"). */
const API_INFRASTRUCTURE = ['repository', 'write'];
const API_FEATURE_USES = {
  repository: [],
  write: [],
  read: ['query', 'schema'],
  query: ['read', 'schema'],
  images: [],
  ingest: ['read'],
  interchange: ['images', 'ingest', 'query', 'read', 'schema'],
  merge: [],
  blame: ['read'],
  schema: ['annotators'],
  lineage: ['interchange', 'query', 'read', 'schema'],
  maintenance: ['images', 'merge', 'read'],
  access: [],
  sync: ['merge', 'read'],
  annotators: ['ingest', 'read'],
};
const COMPOSITION_ROOT = '^src/api/repository/compose\\.ts$';
const featureUses = (feature, uses) => ({
  name: `api-${feature}-uses-only-its-features`,
  comment: `api/${feature}/ may import only api/{${[feature, ...API_INFRASTRUCTURE, ...uses].join(', ')}}/`,
  severity: 'error',
  from: {
    path: `^src/api/${feature}/`,
    pathNot: feature === 'repository' ? [TEST, COMPOSITION_ROOT] : TEST,
  },
  to: {
    path: '^src/api/',
    pathNot: [...new Set([feature, ...API_INFRASTRUCTURE, ...uses])].map((f) => `^src/api/${f}/`),
  },
});

module.exports = {
  forbidden: [
    layer('core', []),
    layer('store', ['core', 'io']),
    layer('catalog', ['core', 'io']),
    layer('io', ['core']),
    layer('tree', ['core', 'store']),
    layer('dataset', ['core', 'tree']),
    layer('formats', ['core', 'dataset', 'io']),
    layer('schema', ['core', 'dataset']),
    layer('vcs', ['core', 'store', 'tree', 'dataset', 'catalog']),
    layer('query', ['core', 'dataset']),
    layer('influence', ['core', 'dataset', 'catalog']),
    layer('api', ['core', 'store', 'tree', 'dataset', 'vcs', 'catalog', 'io', 'formats', 'schema', 'query', 'influence']),
    layer('server', ['core', 'api']),
    layer('remote', ['core', 'api']),
    layer('cli', ['core', 'api', 'server', 'remote', 'dataset', 'catalog', 'schema', 'formats', 'query', 'io']),
    {
      name: 'tree-sees-only-the-chunk-store-interface',
      severity: 'error',
      from: { path: '^src/tree/', pathNot: TEST },
      to: { path: '^src/store/', pathNot: '^src/store/chunk-store\\.ts$' },
    },
    typesOnly('tree', 'store/'),
    typesOnly('dataset', 'tree/'),
    typesOnly('vcs', 'catalog/'),
    typesOnly('influence', 'catalog/'),
    typesOnly('cli', 'catalog/'),
    {
      name: 'pure-layers-touch-no-files-or-processes',
      comment: `${PURE.join(', ')} are pure: no file system, processes or workers`,
      severity: 'error',
      from: { path: `^src/(${PURE.join('|')})/`, pathNot: TEST },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|child_process|worker_threads)$',
      },
    },
    {
      name: 'no-tests-in-production-code',
      severity: 'error',
      from: { path: '^src/', pathNot: TEST },
      to: { path: TEST },
    },
    {
      name: 'no-orphans',
      comment: 'a module nothing imports and that is no entry point is dead code',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          TEST,
          '\\.d\\.ts$',
          '^src/cli/bin\\.ts$',
          '^bench/main\\.ts$',
          '^src/index\\.ts$',
          '^src/scaleout\\.ts$',
          'worker\\.ts$',
        ],
      },
      to: {},
    },
    {
      name: 'no-unreachable-modules',
      comment:
        'production code the CLI does not reach is dead code (workers have their own entries; src/index.ts is the library entry; the memory store and the verifying decorator serve tests and backends without built-in verification)',
      severity: 'error',
      from: { path: '^src/cli/bin\\.ts$' },
      to: {
        path: '^src/',
        pathNot: [
          TEST,
          'worker\\.ts$',
          '^src/cli/bin\\.ts$',
          '^src/index\\.ts$',
          '^src/scaleout\\.ts$',
          '^src/store/memory/',
          '^src/store/verifying-chunk-store\\.ts$',
          '^src/store/pack/',
        ],
        reachable: false,
      },
    },
    {
      name: 'api-features-only-through-their-index',
      comment:
        'outside api/ (cli/, src/index.ts) a feature is imported only through api/<feature>/index.ts',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/api/', TEST] },
      to: { path: '^src/api/', pathNot: '^src/api/[a-z-]+/index\\.ts$' },
    },
    {
      name: 'api-index-is-for-callers-outside-api',
      comment:
        'inside api/ a feature uses another through its modules, never an index.ts (the facade for callers)',
      severity: 'error',
      from: { path: '^src/api/', pathNot: TEST },
      to: { path: '^src/api/[a-z-]+/index\\.ts$' },
    },
    {
      name: 'no-bench-in-production-code',
      severity: 'error',
      from: { path: '^src/', pathNot: TEST },
      to: { path: '^bench/' },
    },
    ...Object.entries(API_FEATURE_USES).map(([feature, uses]) => featureUses(feature, uses)),
    {
      name: 'api-composition-root-registers-maintainers-only',
      comment:
        'repository/compose.ts may import other features only for their commit-time maintainers',
      severity: 'error',
      from: { path: COMPOSITION_ROOT },
      to: {
        path: '^src/api/',
        pathNot: [
          ...API_INFRASTRUCTURE.map((f) => `^src/api/${f}/`),
          '^src/api/[a-z-]+/[a-z-]+-maintain\\.ts$',
        ],
      },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
