import { addStats, emptyCounts, type PredictionStats, type StatsInterval, type StatsItem } from './prediction-stats';

/** Statistics counters in memory, for unit tests and measurements that run the prediction path without DynamoDB. */
export function createMemoryPredictionStats(): PredictionStats & { items: Array<StatsItem & { interval: StatsInterval }> } {
  const items: Array<StatsItem & { interval: StatsInterval }> = [];
  return {
    items,
    async add({ hour, ...slot }, counts) {
      for (const [interval, period] of [
        ['hour', hour],
        ['day', hour.slice(0, 10)],
      ] as const) {
        const same = (item: (typeof items)[number]) =>
          item.interval === interval &&
          item.period === period &&
          item.model === slot.model &&
          item.version === slot.version &&
          item.alias === slot.alias;
        let item = items.find(same);
        if (!item) items.push((item = { ...slot, interval, period, counts: emptyCounts() }));
        addStats(item.counts, counts);
      }
    },
    async *read(model, interval, from, to) {
      const within = items.filter(
        (item) => item.model === model && item.interval === interval && item.period >= from && item.period <= to,
      );
      yield* within.sort((a, b) => a.period.localeCompare(b.period)).map(({ interval: _interval, ...item }) => item);
    },
  };
}
