/** DynamoDB refuses an item over 400 KB; a record stays well under it, whatever its warnings quote. */
const MAX_RECORD_BYTES = 300 * 1024;

const size = (record: object) => Buffer.byteLength(JSON.stringify(record), 'utf8');

/**
 * The record as it can be written: when its kept warnings would push it past MAX_RECORD_BYTES, they are left
 * out (their counts stay, and the rows' own answers say the rest). Checked before every write, so a record is
 * never refused for its size (#20.11). JSON's length is above DynamoDB's own measure of an item.
 */
export function withinItemLimit<T extends { warnings?: unknown[]; timeWarnings?: unknown[] }>(record: T): T {
  if (size(record) <= MAX_RECORD_BYTES) return record;
  const lighter = { ...record, warnings: undefined, timeWarnings: undefined };
  if (size(lighter) <= MAX_RECORD_BYTES) return lighter;
  throw new Error(
    `A record of ${size(lighter)} bytes without its warnings: over the ${MAX_RECORD_BYTES} bytes a record may take.`,
  );
}
