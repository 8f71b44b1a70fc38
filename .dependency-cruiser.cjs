/** Import direction from DESIGN.md: edges (cli, server, pgwire) -> services -> engine, iceberg -> storage, metastore -> config. */
const services = '(catalog|governance|ingest|crawler|quality|lineage|pipelines)';
const edges = '(cli|server|pgwire)';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'errors-and-config-are-the-floor',
      comment: 'errors/ and config/ depend on nothing else in src/.',
      severity: 'error',
      from: { path: '^src/(errors|config)/' },
      to: { path: '^src/', pathNot: '^src/(errors|config)/' },
    },
    {
      name: 'storage-and-metastore-stay-low',
      severity: 'error',
      from: { path: '^src/(storage|metastore)/' },
      to: { path: '^src/', pathNot: '^src/(errors|config|storage|metastore)/' },
    },
    {
      name: 'storage-does-not-know-the-metastore',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: '^src/metastore/' },
    },
    {
      name: 'iceberg-only-uses-storage',
      severity: 'error',
      from: { path: '^src/iceberg/' },
      to: { path: '^src/', pathNot: '^src/(errors|config|storage|iceberg)/' },
    },
    {
      name: 'engine-below-services',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: `^src/(${services.slice(1, -1)}|${edges.slice(1, -1)})/|^src/app\\.ts$` },
    },
    {
      name: 'services-never-import-edges',
      severity: 'error',
      from: { path: `^src/${services}/` },
      to: { path: `^src/${edges}/|^src/app\\.ts$` },
    },
    {
      name: 'only-engine-talks-to-duckdb',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/engine/' },
      to: { path: '@duckdb' },
    },
    {
      name: 'only-metastore-talks-to-databases',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/metastore/' },
      to: { path: 'node_modules/(kysely|better-sqlite3|pg)/' },
    },
    {
      name: 'cross-folder-imports-go-through-index',
      comment: 'Each folder exposes its public surface from index.ts.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
