/**
 * Layer rules (see docs/architecture.md): imports point down only.
 *   cli -> api -> {vcs, formats, schema, query, dataset, io, catalog, store, tree, core}
 *   vcs -> {dataset, tree, store, catalog (types), core}; dataset -> {tree (types), core}
 *   formats -> {dataset, io, core} (one parser and writer per format, no storage)
 *   schema -> {dataset, core} (taxonomy model, deltas, migration mapping; pure)
 *   query -> {dataset, core} (filter language: lexer, parser, evaluator, periods; pure)
 *   lineage -> {dataset, catalog (types), core} (lineage ids, vector files, influence; pure)
 *   tree -> {store (interface), core}; store, catalog, io -> core; core -> nothing of ours
 * bench/ may use anything.
 */
const layer = (name, allowed) => ({
  name: `${name}-layering`,
  comment: `${name}/ may import only: ${allowed.join(', ') || 'nothing of ours'}`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: [`^src/${name}/`, ...allowed.map((a) => `^src/${a}/`)] },
});

module.exports = {
  forbidden: [
    layer('core', []),
    layer('store', ['core']),
    layer('catalog', ['core']),
    layer('io', ['core']),
    layer('tree', ['core', 'store']),
    layer('dataset', ['core', 'tree']),
    layer('formats', ['core', 'dataset', 'io']),
    layer('schema', ['core', 'dataset']),
    layer('vcs', ['core', 'store', 'tree', 'dataset', 'catalog']),
    layer('query', ['core', 'dataset']),
    layer('lineage', ['core', 'dataset', 'catalog']),
    layer('api', ['core', 'store', 'tree', 'dataset', 'vcs', 'catalog', 'io', 'formats', 'schema', 'query', 'lineage']),
    layer('cli', ['core', 'api', 'dataset', 'catalog', 'schema', 'formats', 'query', 'io']),
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|\\.contract\\.ts$|/testing\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
