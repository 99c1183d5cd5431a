import { join } from 'node:path';
import { savedQueries } from '../../infra/queries.cjs';
import { runInsightsQuery, type QueryResult } from '../../scripts/audit/insights';
import { readLogEvents } from '../../scripts/audit/log-events';

/**
 * What a saved Logs Insights query (infra/queries.cjs) answers from a local platform's logs, as an operator would
 * run it in CloudWatch; `replace` swaps parts of its text (a subject's pseudonym for the placeholder).
 *
 * A function's log line reaches the logs a moment after its answer (a worker thread's output goes through
 * serverless-offline's main thread): a test reading what an answer just did polls, with `expect.poll`.
 */
export function savedQuery(
  platform: { env: Record<string, string | undefined> },
  name: string,
  replace: Record<string, string> = {},
): QueryResult {
  let text = savedQueries().find((query) => query.name === name)?.queryString;
  if (text === undefined) throw new Error(`No saved query named ${name} in infra/queries.cjs`);
  for (const [from, to] of Object.entries(replace)) text = text.replaceAll(from, to);
  return runInsightsQuery(text, readLogEvents(join(platform.env.VIGIE_STATE_DIR!, 'logs')));
}
