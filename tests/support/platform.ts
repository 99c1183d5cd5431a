import type { LocalSettings } from '../../scripts/local/settings';
import { startScratchPlatform, type ScratchPlatform } from '../../scripts/local/scratch-platform';

export { eventually } from '../../scripts/local/scratch-platform';
export type TestPlatform = ScratchPlatform;

/** Ports apart from `npm start`'s, so the tests run beside a platform a developer has open. */
export const TEST_SETTINGS: Omit<LocalSettings, 'stateDir'> = {
  httpPort: 3190,
  lambdaPort: 3192,
  s3Port: 4669,
  dynamodbPort: 8190,
  apiKey: 'integration-test-key',
  retryDelaysMs: [500, 1_500],
  deliveryConcurrency: 4,
};

export const startTestPlatform = (overrides: Partial<LocalSettings> = {}) => startScratchPlatform(TEST_SETTINGS, overrides);
