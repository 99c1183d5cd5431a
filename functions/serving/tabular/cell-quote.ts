/** The most of a cell's text an error or warning quotes: enough to find it, never the whole (4 KB) cell. */
const QUOTED_CHARACTERS = 40;

/**
 * A cell's text as messages quote it: JSON-quoted (control characters escaped) and cut at 40 characters. Every
 * quoted cell goes through here, so a warning on each of 100 rows stays small in a record (DynamoDB items stop at
 * 400 KB) and in a log.
 */
export function quoteCell(text: string): string {
  return JSON.stringify(text.length > QUOTED_CHARACTERS ? `${text.slice(0, QUOTED_CHARACTERS)}…` : text);
}
