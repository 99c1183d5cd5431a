import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NotAcceptableError } from '../platform/errors';
import type { AuthenticatedContext } from '../api/http/api-keys';
import { json, securityHeaders } from '../api/http/responses';
import type { SessionCache } from '../serving/inference/sessions';
import { reportRejectedRows } from '../records/observability';
import type { PredictionDeps } from '../serving/prediction';
import type { Pseudonymise } from '../records/pseudonym';
import { subjectFromHeaders } from '../records/subject-id';
import { runTabularPrediction, type TabularInput } from '../serving/tabular/tabular-prediction';

type RowsInput = TabularInput & { bytes: Uint8Array };

/** What the client asked the answer to be: JSON (default) or the scored CSV (`Accept: text/csv`, CSV bodies only). */
function wantsCsv(event: APIGatewayProxyEventV2, input: RowsInput): boolean {
  const accept = event.headers?.accept ?? '';
  if (!accept.includes('text/csv')) return false;
  if (!('csv' in input))
    throw new NotAcceptableError('A CSV answer is made for a text/csv body; JSON rows are answered in JSON.');
  return true;
}

/**
 * Feature rows over HTTP (`{"features"}`, `{"rows"}` or text/csv), scored in this function through the session
 * cache it shares with the image path.
 */
export function createTabularAnswer(deps: PredictionDeps, sessions: SessionCache, pseudonymise: Promise<Pseudonymise>) {
  return async (
    event: APIGatewayProxyEventV2,
    caller: AuthenticatedContext['caller'],
    model: string,
    asked: { version?: string; alias?: string },
    input: RowsInput,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const csvAnswer = wantsCsv(event, input);
    const subject = subjectFromHeaders(event.headers);
    const { bytes, ...rows } = input;
    const outcome = await runTabularPrediction(
      { prediction: deps, sessions, reportRejected: reportRejectedRows },
      {
        predictionId: randomUUID(),
        requestId: event.requestContext.requestId,
        model,
        ...asked,
        input: rows,
        bytes,
        subjectId: subject ? (await pseudonymise)(subject) : undefined,
        callerId: (await pseudonymise)(`api-key:${caller.keyId}`),
      },
    );
    const { record } = outcome;
    if (csvAnswer) {
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          ...securityHeaders,
          'x-prediction-id': record.predictionId,
          'x-automated-decision': 'true',
        },
        body: outcome.csv ?? '',
      };
    }
    const head = {
      predictionId: record.predictionId,
      model: record.model,
      modelVersion: record.modelVersion,
      ...(record.alias !== undefined && { alias: record.alias }),
    };
    const tail = { timings: record.timings, automated: true };
    const time = record.timeWarningCount ? { timeWarnings: record.timeWarnings, timeWarningCount: record.timeWarningCount } : {};
    if ('features' in rows) {
      const warnings = outcome.outcomes?.[0]?.warnings ?? [];
      return json(200, { ...head, result: record.result, ...(warnings.length > 0 && { warnings }), ...time, ...tail });
    }
    const results = (outcome.outcomes ?? []).map(({ result, error, warnings }) => ({
      ...(result ? { result } : { error }),
      ...(warnings.length > 0 && { warnings }),
    }));
    return json(200, { ...head, summary: record.result, ...time, results, ...tail });
  };
}
