import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME_BUDGET_SECONDS, parseTrainingMetadata } from '../../functions/training/training-request';

/** A training uploaded to S3 takes its options from the object's metadata, whose names S3 lower-cases. */
describe('training options from S3 metadata', () => {
  it('reads timeBudgetSeconds as S3 hands it over (lower-cased) and in its hyphenated form', () => {
    // `aws s3 cp … --metadata target=y,timeBudgetSeconds=10` arrives as `timebudgetseconds`.
    expect(parseTrainingMetadata({ target: 'y', timebudgetseconds: '10' }).timeBudgetSeconds).toBe(10);
    expect(parseTrainingMetadata({ target: 'y', 'time-budget-seconds': '12' }).timeBudgetSeconds).toBe(12);
    expect(parseTrainingMetadata({ target: 'y' }).timeBudgetSeconds).toBe(DEFAULT_TIME_BUDGET_SECONDS);
  });

  it('reads every option, and refuses a bad one as the query string would', () => {
    const options = parseTrainingMetadata({
      target: 'y',
      task: 'regression',
      metric: 'mae',
      'accept-identifiers': 'email, name',
    });
    expect(options).toMatchObject({ target: 'y', task: 'regression', metric: 'mae', acceptIdentifiers: ['email', 'name'] });
    expect(() => parseTrainingMetadata({ target: 'y', timebudgetseconds: '1' })).toThrow(
      expect.objectContaining({ code: 'invalid-training-request' }),
    );
  });
});
