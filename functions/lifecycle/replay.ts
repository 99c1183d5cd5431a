import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ModelDisabledError, ModelNotFoundError } from '../platform/errors';
import { logger } from '../platform/telemetry';
import { AUDIT_SCHEMA_VERSION, type ModelLifecycleAuditEvent } from '../records/audit';
import { json } from '../api/http/responses';
import type { AliasStore } from '../serving/aliases';
import type { ModelRegistry } from '../serving/registry';
import { replayUploads, type ReplayDeps } from '../uploads/replay';

/** Time kept back from the function's timeout: no run is started past it, so the answer always gets out. */
const ANSWER_MARGIN_MS = 15_000;

export interface ReplayRouteDeps {
  store: Pick<AliasStore, 'latest'>;
  registry: Pick<ModelRegistry, 'knows'>;
  replay: Omit<ReplayDeps, 'deadline'>;
}

/**
 * `POST /v1/models/{model}/replay` `{reason}`: runs the model's held and dead-lettered uploads again, once it is
 * enabled (a disabled model would only hold them again: 503 `model-disabled`). Answers what it ran, by prediction
 * id and with the status each record now has, and how many are left for the next call; one audit event says the same.
 */
export async function replayRoute(
  deps: ReplayRouteDeps,
  model: string,
  actor: { callerPseudonym: string; requestId: string; reason: string },
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (!(await deps.registry.knows(model))) throw new ModelNotFoundError(model);
  if ((await deps.store.latest(model))?.state.disabled) throw new ModelDisabledError(model);
  const deadline = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS);
  const answer = await replayUploads({ ...deps.replay, deadline }, model);
  const predictionIds = answer.replayed.map((upload) => upload.predictionId);
  const audit: ModelLifecycleAuditEvent = {
    event: 'model-lifecycle',
    schemaVersion: AUDIT_SCHEMA_VERSION,
    timestamp: new Date().toISOString(),
    requestId: actor.requestId,
    callerPseudonym: actor.callerPseudonym,
    model,
    action: 'replay',
    reason: actor.reason,
    replayed: predictionIds.length,
    predictionIds,
  };
  logger.info('model-lifecycle', { audit });
  return json(200, {
    model,
    replayed: predictionIds.length,
    uploads: answer.replayed,
    alreadyEnded: answer.settled,
    remaining: answer.remaining,
  });
}
