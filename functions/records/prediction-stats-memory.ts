import { addStats, emptyCounts, recordCounts, slotOf, type PredictionStats, type StatsItem } from './prediction-stats';

/** Statistics counters in memory, for unit tests and measurements that run the prediction path without DynamoDB. */
export function createMemoryPredictionStats(): PredictionStats & { items: StatsItem[] } {
  const items: StatsItem[] = [];
  return {
    items,
    async add(record) {
      const slot = slotOf(record);
      let item = items.find(
        (it) => it.model === slot.model && it.hour === slot.hour && it.version === slot.version && it.alias === slot.alias,
      );
      if (!item) items.push((item = { ...slot, counts: emptyCounts() }));
      addStats(item.counts, recordCounts(record));
    },
    async *read(model, fromHour, toHour) {
      const within = items.filter((item) => item.model === model && item.hour >= fromHour && item.hour <= toHour);
      yield* within.sort((a, b) => a.hour.localeCompare(b.hour));
    },
  };
}
