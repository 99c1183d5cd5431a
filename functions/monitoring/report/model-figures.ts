import type { ModelRecords } from '../../records/model-records';
import type { PredictionRecord } from '../../records/records';
import { dayOf, type Month, type VersionFigures } from './audit-figures';

/**
 * Where the report takes a model's month from, per version: one function, so the source can change (the stats
 * route's pre-aggregated items, #24) without touching the report. figuresFromRecords is the first source.
 */
export type ModelMonthFigures = (model: string, month: Month) => Promise<VersionFigures[]>;

/** The nearest-rank percentile of sorted values. */
export function nearestRank(sorted: readonly number[], share: number): number {
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)]!;
}

const isUncertain = (record: PredictionRecord) =>
  record.status === 'succeeded' &&
  typeof record.result === 'object' &&
  'uncertain' in record.result &&
  record.result.uncertain === true;

/** The figures of a model's records of the month, read a DynamoDB page at a time through the byModel index. */
export function figuresFromRecords(records: ModelRecords): ModelMonthFigures {
  return async (model, month) => {
    const versions = new Map<string, { figures: VersionFigures; latencies: number[] }>();
    for await (const record of records.each({ model, from: month.from, to: month.to })) {
      const version = record.modelVersion ?? '';
      let entry = versions.get(version);
      if (!entry) {
        const daily = Array.from({ length: month.days }, () => ({ predictions: 0, unsuccessful: 0 }));
        const figures: VersionFigures = {
          version,
          aliases: [],
          predictions: 0,
          succeeded: 0,
          failed: 0,
          rejected: 0,
          errorsByCode: {},
          uncertain: 0,
          daily,
        };
        versions.set(version, (entry = { figures, latencies: [] }));
      }
      const { figures, latencies } = entry;
      figures.predictions += 1;
      // A batch still running counts as a prediction, neither succeeded nor failed yet.
      if (record.status === 'succeeded' || record.status === 'failed' || record.status === 'rejected') {
        figures[record.status] += 1;
      }
      if (record.error) figures.errorsByCode[record.error.code] = (figures.errorsByCode[record.error.code] ?? 0) + 1;
      if (record.status === 'succeeded') latencies.push(record.timings.totalMs);
      if (isUncertain(record)) figures.uncertain += 1;
      if (record.alias && !figures.aliases.includes(record.alias)) figures.aliases.push(record.alias);
      const day = figures.daily[dayOf(month, record.createdAt)];
      if (day) {
        day.predictions += 1;
        if (record.status !== 'succeeded') day.unsuccessful += 1;
      }
    }
    return [...versions.values()]
      .map(({ figures, latencies }) => {
        latencies.sort((a, b) => a - b);
        const latencyMs =
          latencies.length > 0 ? { p50: nearestRank(latencies, 0.5), p95: nearestRank(latencies, 0.95) } : undefined;
        return { ...figures, aliases: figures.aliases.sort(), ...(latencyMs && { latencyMs }) };
      })
      .sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));
  };
}
