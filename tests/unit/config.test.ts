import { describe, expect, it } from 'vitest';
import { ConfigError, inferConfigSchema, loadConfig, predictConfigSchema } from '../../functions/platform/config';

/** The variables the predict function cannot start without, as the local stage sets them. */
const PREDICT_ENV = {
  MODELS_DIR: './models',
  VIGIE_STAGE: 'local',
  PREDICTIONS_TABLE: 'vigie-local-predictions',
  ERASURES_TABLE: 'vigie-local-erasures',
  STATS_TABLE: 'vigie-local-stats',
  ALIASES_TABLE: 'vigie-local-aliases',
  INFER_FUNCTION_NAME: 'vigie-local-infer',
  API_KEYS_TABLE: 'vigie-local-api-keys',
  SHADOW_FUNCTION_NAME: 'vigie-local-shadow',
};

describe('loadConfig', () => {
  it('fails the cold start with every problem named and explained in English', () => {
    // Prepare: a malformed endpoint, a negative number, and the required variables missing.
    const env = { VIGIE_S3_ENDPOINT: 'not a url', RETENTION_DAYS: '-3' };

    // Act
    const load = () => loadConfig(predictConfigSchema, env);

    // Assess: zod/mini has no messages of its own; functions/platform/zod-messages.ts gives the English ones.
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('VIGIE_S3_ENDPOINT: Invalid URL');
    expect(load).toThrow('RETENTION_DAYS: Too small: expected number to be >0');
    expect(load).toThrow('MODELS_DIR: Invalid input: expected string, received undefined');
  });

  it('refuses a VIGIE_API_KEY holding a comma: API Gateway joins repeated headers with commas', () => {
    expect(() => loadConfig(predictConfigSchema, { ...PREDICT_ENV, VIGIE_API_KEY: 'one,two' })).toThrow(
      'VIGIE_API_KEY: must not hold a comma',
    );
    expect(loadConfig(predictConfigSchema, { ...PREDICT_ENV, VIGIE_API_KEY: 'one' }).VIGIE_API_KEY).toBe('one');
  });

  it('reads numbers, applies defaults and treats empty endpoints as unset', () => {
    const config = loadConfig(predictConfigSchema, {
      ...PREDICT_ENV,
      VIGIE_S3_ENDPOINT: '',
      VIGIE_DYNAMODB_ENDPOINT: 'http://localhost:8000',
      VIGIE_API_KEY: '',
      RETENTION_DAYS: '30',
    });
    expect(config).toMatchObject({
      AWS_REGION: 'eu-west-3',
      RETENTION_DAYS: 30,
      INFER_ATTEMPTS: 3,
      VIGIE_DYNAMODB_ENDPOINT: 'http://localhost:8000',
    });
    expect(config.VIGIE_S3_ENDPOINT).toBeUndefined();
    expect(config.VIGIE_API_KEY).toBeUndefined();
    expect(loadConfig(inferConfigSchema, { MODELS_DIR: '/opt/models' })).toEqual({
      AWS_REGION: 'eu-west-3',
      MODELS_DIR: '/opt/models',
    });
  });
});
