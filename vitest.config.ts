import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Tests that must run one file at a time: those that start the real local platform (emulators and
 * serverless-offline on the fixed test ports of tests/support/platform.ts, which two files would both take), and
 * those that write the working tree's shared build folders (dist/, layers/build/, .serverless-test/).
 */
const INTEGRATION = [
  'tests/integration/**/*.test.ts',
  'tests/docs/**/*.test.ts',
  'tests/infra/package.test.ts',
  'tests/infra/localstack-package.test.ts',
];
/**
 * Starting no platform either, but a minute of CPU or more each: the models' accuracy, the page preprocessing on
 * photographed pages, and the batch path's memory. Apart, so `npm run test:unit` stays quick.
 */
const MODELS = [
  'tests/accuracy/**/*.test.ts',
  'tests/unit/page-preprocessing.test.ts',
  // Draws pages on every core, as the digits sets are drawn.
  'tests/unit/page-workers.test.ts',
  // Redraws sampled pages of both frozen digits sets (about 10 s of drawing).
  'tests/unit/frozen-digit-sets.test.ts',
  'tests/memory/**/*.test.ts',
];

const INTEGRATION_RUN = process.argv.slice(2).join(' ').includes('--project integration');

export default defineConfig({
  test: {
    // Vitest 3 sets file parallelism for a whole run, not per project. One file at a time is the default, safe
    // for any selection; `npm run test:unit` and `npm test` pass --fileParallelism for the unit and models
    // projects only, and run the integration project in a run of its own.
    fileParallelism: false,
    // Used when --fileParallelism is on. Vitest's default keeps a core for itself: none left on two cores. A run of
    // the integration project alone (`--project integration`, as `npm run test:integration` runs it) gets one worker
    // more: its files wait on their platforms a quarter of the time (docs/architecture.md D34: on 2 cores, 3 workers
    // 386 s against 2 workers 426 s). Vitest sizes the workers for a whole run, not per project.
    maxWorkers: availableParallelism() + (INTEGRATION_RUN ? 1 : 0),
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // One native thread per file (ONNX Runtime, libvips): the files run one per core (functions/platform/native/lambda-cpu.ts).
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', VIGIE_NATIVE_THREADS: '1' },
    projects: [
      {
        extends: true,
        // The few that start an emulator (the local S3, DynamoDB) give it a free port and a folder of its own
        // (tests/support/local-s3.ts, local-dynamodb.ts), so they run side by side too.
        test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: [...INTEGRATION, ...MODELS] },
      },
      { extends: true, test: { name: 'models', include: MODELS } },
      {
        extends: true,
        // Builds dist/ and layers/build/ once before the files start (tests/support/build-once.ts): with
        // --fileParallelism each worker's files then start platforms on ports of their own
        // (tests/support/platform.ts) and read the builds side by side.
        test: {
          name: 'integration',
          include: INTEGRATION,
          globalSetup: ['tests/support/build-once.ts'],
          // A platform's answers and a CLI's start take seconds when other work loads the cores: a bound, not a figure.
          testTimeout: 120_000,
          // The same for what a page shows once the platform has answered: `expect.poll` waits 1 s by default, which a
          // console page missed with the models lane running beside it (load ~4).
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
