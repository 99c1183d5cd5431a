import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { createDocumentClient } from '../platform/aws';
import { guardConfigSchema, guardSettingsOf, loadConfig } from '../platform/config';
import { logger } from '../platform/telemetry';
import { guardPass, type GuardOutcome } from '../monitoring/canary-guard-pass';
import type { CanarySources } from '../monitoring/canary-report';
import { createModelRecords } from '../records/model-records-dynamodb';
import { createAliasStore } from '../serving/aliases-dynamodb';
import { createModelRegistry, loadPseudonymiser } from '../wiring/wiring';

const config = loadConfig(guardConfigSchema);
const documents = createDocumentClient(config);
const store = createAliasStore(documents, config.ALIASES_TABLE);
const registry = createModelRegistry(config);
const sources: CanarySources = {
  aliases: store,
  records: createModelRecords(documents, config.PREDICTIONS_TABLE),
  knows: (model) => registry.knows(model),
  // What production serves (its alias, else the newest approved): the arm the canary is compared with.
  newestApproved: async (model) => (await registry.production(model)).metadata.version,
};
// The guard is no API key: its audit events carry the pseudonym of its name, as a key's carry the key id's.
const callerPseudonym = loadPseudonymiser().then((pseudonymise) => pseudonymise('function:guard'));

/** Time between two passes of one run: half of EventBridge's minute. */
const PASS_SPACING_MS = 30_000;

async function onePass(requestId: string): Promise<GuardOutcome[]> {
  // Versions approved or imported since the last pass are known at once.
  registry.trained?.forget();
  const outcomes = await guardPass({
    sources,
    store,
    modelNames: () => registry.modelNames(),
    settings: guardSettingsOf(config),
    now: () => new Date(),
    callerPseudonym: await callerPseudonym,
    requestId,
  });
  for (const outcome of outcomes) {
    if (outcome.decision === 'roll-back') logger.info('model-lifecycle', { audit: outcome.change.audit });
    else if (outcome.decision === 'failed') logger.warn('canary guard could not judge a model', { ...outcome });
  }
  return outcomes;
}

/**
 * The canary guard (docs/architecture.md, D25): every minute in AWS (an EventBridge schedule), two passes 30 s apart
 * there, and every few seconds on the local platform (scripts/local/guard-ticker.ts invokes this same handler, one
 * pass a run). Each rollback is one event in the model's history and a `model-lifecycle` audit event, as a
 * person's move is.
 */
async function lambdaHandler(_event: unknown, context: Context): Promise<{ outcomes: Array<Omit<GuardOutcome, 'change'>> }> {
  const outcomes: GuardOutcome[] = [];
  for (let pass = 0; pass < config.GUARD_PASSES_PER_RUN; pass += 1) {
    if (pass > 0) await new Promise((resolve) => setTimeout(resolve, PASS_SPACING_MS));
    outcomes.push(...(await onePass(context.awsRequestId)));
  }
  // The change itself is in the history and the audit event: the answer says what was decided, and why.
  return { outcomes: outcomes.map(({ model, decision, reason }) => ({ model, decision, reason })) };
}

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
