/**
 * The import rules `npm test` checks (npm run deps). Type-only imports count: a cycle through types still ties
 * the modules' shapes together, and one value import added later makes it a start-up order bug.
 */
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
    {
      name: 'shared-is-not-a-handler-client',
      severity: 'error',
      comment: 'The domain folders are what handlers are built from; they never reach back into a handler folder.',
      from: { path: '^functions/(platform|records|uploads|serving|training|api|wiring)/' },
      to: { path: '^functions/(?!(platform|records|uploads|serving|training|api|wiring)/)' },
    },
    {
      name: 'handlers-do-not-import-each-other',
      severity: 'error',
      comment: 'What two functions share lives in the domain folders, so each bundle holds its own code only.',
      from: { path: '^functions/([^/]+)/', pathNot: '^functions/(platform|records|uploads|serving|training|api|wiring)/' },
      to: { path: '^functions/(?!(platform|records|uploads|serving|training|api|wiring)/|$1/)' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.local|\\.serverless|layers/build)/' },
  },
};
