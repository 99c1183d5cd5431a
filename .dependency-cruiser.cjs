/**
 * The import rules `npm test` checks (npm run deps). Type-only imports count: a cycle through types still ties
 * the modules' shapes together, and one value import added later makes it a start-up order bug.
 */

/**
 * The domain folders of functions/, bottom first. Each may import itself and the domains it names, all listed
 * before it, so no file imports upward; the handler folders (functions/<name>/handler.ts) sit on top and may
 * import any domain, never another handler folder. docs/architecture.md's module map is generated from this
 * list (npm run docs), and tests/docs/architecture.test.ts fails on a folder of functions/ it does not name or on
 * a domain allowed to import one listed after it.
 */
const DOMAINS = [
  {
    name: 'platform',
    holds:
      'validated configuration and its defaults, AWS clients, logger and metrics, typed errors, native loaders, S3 and DynamoDB helpers',
    mayImport: [],
  },
  {
    name: 'records',
    holds:
      'what Vigie keeps about predictions and people: the prediction record (its port, DynamoDB adapter, result and warning shapes), audit events and reports, the erasure ledger, the subject index (what the predictions and trainings tables hold about a person), pseudonyms, subject ids, the statistics counters every record adds to (log-bucket histograms)',
    mayImport: ['platform'],
  },
  {
    name: 'uploads',
    holds:
      'S3 uploads: the `incoming/<model>/` key grammar, reading exactly the announced object, quarantine, deletion, the files port over the buckets and its S3 adapter',
    mayImport: ['records', 'platform'],
  },
  {
    name: 'serving',
    holds:
      'models answering: the registry and model spec, image preprocessing, ONNX sessions and inference, tabular reading and scoring, the prediction paths and their record builder',
    mayImport: ['records', 'platform'],
  },
  {
    name: 'training',
    holds: 'AutoML (profile, candidates, search, ONNX export), the trainings table, the trained-models bucket, model cards',
    mayImport: ['serving', 'records', 'platform'],
  },
  {
    name: 'monitoring',
    holds:
      'watching models in production: PSI and its null thresholds, drift of a window of records against a version’s baseline and the M-of-N alarm, the scheduled drift run, its stored reports and metrics, statistics per version and alias read from the counters, a canary’s two arms compared from records and the guard’s verdict and pass, the monthly audit report (report/)',
    mayImport: ['serving', 'records', 'platform'],
  },
  {
    name: 'api',
    holds:
      'the HTTP edge: API keys, bodies and problem+json (http/), the OpenAPI document (openapi/), the Open Inference Protocol (oip/)',
    mayImport: ['monitoring', 'training', 'serving', 'records', 'platform'],
  },
  {
    name: 'wiring',
    holds: 'the composition root: real stores, registry and key verifier built from configuration, once per container',
    mayImport: ['api', 'monitoring', 'training', 'uploads', 'serving', 'records', 'platform'],
  },
];

const names = DOMAINS.map((domain) => domain.name).join('|');

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules form a tree: a cycle means one of them holds two things (functions/platform/telemetry.ts broke the last one).',
      from: {},
      to: { circular: true },
    },
    ...DOMAINS.map((domain) => ({
      name: `${domain.name}-imports-only-below`,
      severity: 'error',
      comment: `functions/${domain.name}/ may import ${domain.mayImport.join(', ') || 'no other domain'}: never a domain above it nor a handler folder.`,
      from: { path: `^functions/${domain.name}/` },
      to: { path: '^functions/', pathNot: `^functions/(${[domain.name, ...domain.mayImport].join('|')})/` },
    })),
    {
      name: 'handlers-do-not-import-each-other',
      severity: 'error',
      comment: 'What two functions share lives in a domain folder, so each bundle holds its own code only.',
      from: { path: '^functions/([^/]+)/', pathNot: `^functions/(${names})/` },
      to: { path: `^functions/(?!(${names})/|$1/)` },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.local|\\.serverless|layers/build)/' },
  },
};

// Read by scripts/docs/architecture.ts (the module map) and its test; dependency-cruiser reads only the above.
Object.defineProperty(module.exports, 'domains', { value: DOMAINS, enumerable: false });
