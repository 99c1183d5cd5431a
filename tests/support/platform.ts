import { join } from 'node:path';
import type { LocalSettings } from '../../scripts/local/settings';
import type { OpenApiDocument } from '../../functions/api/openapi/document';
import { auditLogProblems } from './audit-logs';
import { watchAnswers } from './openapi';
import { startScratchPlatform, type ScratchPlatform } from '../../scripts/local/scratch-platform';

export { eventually } from '../../scripts/local/scratch-platform';
export type TestPlatform = ScratchPlatform;

/** Raw identifiers the integration tests send as subject-id, requested-by or x-subject-id: never to be logged. */
export const RAW_TEST_IDENTIFIERS = ['driver-42', 'alice@example.com', 'alice.martin@example.fr', 'driver-0042'];

/**
 * Moves every test port by this much: VIGIE_TEST_PORT_OFFSET, so two clones can run their tests side by side on one
 * machine, plus 50 per vitest worker (VITEST_POOL_ID counts them from 1), so the integration files that run side by
 * side each start their platform on ports of their own.
 */
const offset =
  Number.parseInt(process.env.VIGIE_TEST_PORT_OFFSET ?? '0', 10) +
  50 * (Number.parseInt(process.env.VITEST_POOL_ID ?? '1', 10) - 1);

/** Ports apart from `npm start`'s, so the tests run beside a platform a developer has open. */
export const TEST_SETTINGS: Omit<LocalSettings, 'stateDir'> = {
  httpPort: 3190 + offset,
  lambdaPort: 3192 + offset,
  s3Port: 4669 + offset,
  dynamodbPort: 8190 + offset,
  apiKey: 'integration-test-key',
  retryDelaysMs: [500, 1_500],
  deliveryConcurrency: 4,
  // Off: a test's drift answers are measured on demand; tests/integration/drift-schedule.test.ts turns it on.
  driftEveryMinutes: 0,
};

/**
 * A scratch platform on the test ports. Stopping it also reviews the logs the run left (audit events against
 * their schema, no raw identifier, key or e-mail address), and every answer the tests fetched from its HTTP API
 * against the OpenAPI document it serves: every integration test feeds the audit and contract checks.
 */
export async function startTestPlatform(overrides: Partial<LocalSettings> = {}): Promise<TestPlatform> {
  const platform = await startScratchPlatform(TEST_SETTINGS, overrides);
  const document = await fetch(`${platform.http}/v1/openapi.json`)
    .then(async (response) => (await response.json()) as OpenApiDocument)
    .catch(async (error: unknown) => {
      await platform.stop();
      throw error;
    });
  const answers = watchAnswers(platform.http, document);
  return {
    ...platform,
    async stop() {
      const departures = [...new Set(await answers.stop())];
      await platform.stop();
      const problems = auditLogProblems(join(platform.env.VIGIE_STATE_DIR!, 'logs'), [
        TEST_SETTINGS.apiKey,
        ...RAW_TEST_IDENTIFIERS,
      ]);
      const failures = [
        ...(departures.length > 0 ? [`Answers depart from /v1/openapi.json:\n${departures.slice(0, 20).join('\n')}`] : []),
        ...(problems.length > 0 ? [`The run's logs fail the audit review:\n${problems.slice(0, 20).join('\n')}`] : []),
      ];
      if (failures.length > 0) throw new Error(failures.join('\n\n'));
    },
  };
}
