import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  emptyCounts,
  STATS_RETENTION_DAYS,
  type PredictionStats,
  type StatsCounts,
  type StatsInterval,
  type StatsItem,
} from './prediction-stats';

/**
 * The statistics table (infra/stats.yml): key `model`, sort key `slot` = `h#<hour>#<version>#<alias>` or
 * `d#<day>#<version>#<alias>` (empty when absent), so a model's hours, or its days, are one Query in time order.
 * Each record adds to its hour and to its day (two UpdateItems, at once): a 30-day range per day reads 30 items
 * per version and alias, not 720 (docs/benchmarks.md, "Statistics on a million records"). Each counter is a top-level number attribute, named
 * `<kind>:<key>` (`error:invalid-input`, `latency:171`, `label:setosa`), added to with ADD: concurrent writers
 * never read, never conflict, and the first ADD creates the item.
 */
const SEPARATOR = '#';

/** Counters with one value, and the maps whose keys become `<kind>:<key>` attributes. */
const TOTALS = ['count', 'succeeded', 'rejected', 'failed', 'uncertain'] as const;
const MAPS = { errors: 'error', latency: 'latency', labels: 'label', scores: 'score' } as const;
const KIND_OF = Object.fromEntries(Object.entries(MAPS).map(([map, kind]) => [kind, map])) as Record<
  string,
  keyof typeof MAPS | undefined
>;

const PREFIX: Record<StatsInterval, string> = { hour: 'h', day: 'd' };
const periodKey = (interval: StatsInterval, period: string) => `${PREFIX[interval]}${SEPARATOR}${period}`;
const slotKey = (interval: StatsInterval, period: string, version = '', alias = '') =>
  [periodKey(interval, period), version, alias].join(SEPARATOR);

function attributesOf(counts: StatsCounts): Record<string, number> {
  const attributes: Record<string, number> = {};
  for (const total of TOTALS) if (counts[total] !== 0) attributes[total] = counts[total];
  for (const [map, kind] of Object.entries(MAPS) as Array<[keyof typeof MAPS, string]>) {
    for (const [key, count] of Object.entries(counts[map])) if (count !== 0) attributes[`${kind}:${key}`] = count;
  }
  return attributes;
}

function countsOf(item: Record<string, unknown>): StatsCounts {
  const counts = emptyCounts();
  for (const [name, value] of Object.entries(item)) {
    // A counter taken back to 0 (a duplicate record's counts taken out) says nothing.
    if (typeof value !== 'number' || value === 0) continue;
    if ((TOTALS as readonly string[]).includes(name)) counts[name as (typeof TOTALS)[number]] = value;
    const colon = name.indexOf(':');
    const map = colon > 0 ? KIND_OF[name.slice(0, colon)] : undefined;
    if (map) counts[map][name.slice(colon + 1)] = value;
  }
  return counts;
}

function itemOf(item: Record<string, unknown>): StatsItem {
  const [, period = '', version = '', alias = ''] = String(item.slot).split(SEPARATOR);
  return {
    model: String(item.model),
    period,
    ...(version !== '' && { version }),
    ...(alias !== '' && { alias }),
    counts: countsOf(item),
  };
}

/** Epoch seconds at which TTL deletes the items of an hour (and of its day). */
const expiryOf = (hour: string) => Math.floor(Date.parse(`${hour}:00:00Z`) / 1000) + STATS_RETENTION_DAYS * 86_400;

export function createPredictionStats(documents: DynamoDBDocumentClient, table: string): PredictionStats {
  return {
    async add({ model, hour, version, alias }, counts) {
      const attributes = Object.entries(attributesOf(counts));
      // A batch of an empty file counts nothing (and an empty ADD is no expression).
      if (attributes.length === 0) return;
      const update = {
        TableName: table,
        UpdateExpression: `SET expiresAt = :expiresAt ADD ${attributes.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(attributes.map(([name], i) => [`#c${i}`, name])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(attributes.map(([, count], i) => [`:c${i}`, count])),
          ':expiresAt': expiryOf(hour),
        },
      };
      await Promise.all(
        (
          [
            ['hour', hour],
            ['day', hour.slice(0, 10)],
          ] as const
        ).map(([interval, period]) =>
          documents.send(new UpdateCommand({ ...update, Key: { model, slot: slotKey(interval, period, version, alias) } })),
        ),
      );
    },
    async *read(model, interval, from, to) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: '#model = :model AND #slot BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#model': 'model', '#slot': 'slot' },
            // Every slot of the last period sorts before it followed by a character above '#'.
            ExpressionAttributeValues: {
              ':model': model,
              ':from': periodKey(interval, from),
              ':to': `${periodKey(interval, to)}${SEPARATOR}\uffff`,
            },
            ExclusiveStartKey: start,
          }),
        );
        start = page.LastEvaluatedKey;
        for (const item of page.Items ?? []) yield itemOf(item);
      } while (start);
    },
  };
}
