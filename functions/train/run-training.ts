import { performance } from 'node:perf_hooks';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TrainingAuditEvent } from '../records/audit';
import { AUDIT_SCHEMA_VERSION } from '../records/audit';
import { nextVersion, type BucketModels } from '../training/model-bucket';
import type { TrainingLimits } from '../platform/training-limits';
import type { TrainingRecord, TrainingStore } from '../training/training-store';
import { trainFromCsv } from '../training/train';
import { VigieError } from '../platform/errors';
import { logger } from '../platform/telemetry';
import type { ModelRegistry } from '../serving/registry';

export interface TrainDeps {
  s3: S3Client;
  uploadsBucket: string;
  trainings: TrainingStore;
  models: BucketModels;
  registry: ModelRegistry;
  limits: TrainingLimits;
  codeCommit: string | null;
  ownerContact: string;
  audit: (event: TrainingAuditEvent) => void;
  now: () => Date;
}

/** The next version of a model: 1.0.0 for a new one, else the highest (shipped or trained) with its minor raised. */
/**
 * Runs one queued training to its end: the record goes running → succeeded (a pending version in the models
 * bucket) or failed with `{code, message}`. It never throws for bad data: a failure is a state of the training,
 * and the function's own retries would only repeat it. It throws only when the training's record cannot be
 * written at all, and answers undefined when the training was not queued (another invocation runs it).
 */
export async function runTraining(
  deps: TrainDeps,
  record: TrainingRecord,
  requestId: string,
): Promise<TrainingRecord | undefined> {
  const started = performance.now();
  const { trainingId } = record;
  const progress = async (value: number, stage: string) => {
    await deps.trainings.update(trainingId, {
      progress: Math.round(value * 100) / 100,
      stage,
      updatedAt: deps.now().toISOString(),
    });
  };
  // A duplicate invocation (an SDK retry of the hand-over whose first try did arrive) finds it taken and stops here.
  if (!(await deps.trainings.claim(trainingId, deps.now().toISOString()))) {
    logger.warn('training not queued: another invocation has it', { trainingId });
    return undefined;
  }
  let outcome: Partial<TrainingRecord>;
  let event: Partial<TrainingAuditEvent> = {};
  try {
    const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.uploadsBucket, Key: record.inputKey }));
    const bytes = await object.Body!.transformToByteArray();
    // A first guess: a training of the same model finishing meanwhile may take it; register() then steps past.
    const candidate = nextVersion(await deps.registry.versions(record.model));
    const trained = await trainFromCsv(
      bytes,
      {
        model: record.model,
        version: candidate,
        target: record.target,
        task: record.task,
        metric: record.metric as Parameters<typeof trainFromCsv>[1]['metric'],
        timeBudgetSeconds: record.timeBudgetSeconds,
        source: record.source === 's3' ? `s3://${deps.uploadsBucket}/${record.inputKey}` : `HTTP upload (training ${trainingId})`,
        codeCommit: deps.codeCommit,
        ownerContact: deps.ownerContact,
        acceptIdentifiers: record.acceptIdentifiers,
        aboutSubject: record.subjectId !== undefined,
      },
      deps.limits,
      progress,
    );
    // The training's id in the version's provenance: who trained it is then known at the decision (two-person rule).
    const provenance = { ...trained.metadata.training, trainingId };
    const { version } = await deps.models.register({ ...trained.metadata, training: provenance }, trained.onnx);
    outcome = {
      status: 'succeeded',
      progress: 1,
      stage: 'registered (pending approval)',
      version,
      task: trained.task,
      metric: trained.metric,
      dataSha256: trained.dataSha256,
      metrics: trained.metrics,
      leaderboard: trained.leaderboard,
      dataReport: trained.dataReport,
    };
    event = {
      modelVersion: version,
      dataSha256: trained.dataSha256,
      task: trained.task,
      candidate: String(trained.metadata.training.parameters.candidate),
    };
  } catch (error) {
    // A bad file explains itself; anything else is ours, logged in full and shown as a generic failure.
    const known = error instanceof VigieError && error.exposeMessage;
    if (!known) logger.error('training failed', { trainingId, error: error as Error });
    outcome = {
      status: 'failed',
      stage: 'failed',
      error: known
        ? { code: error.code, message: error.message }
        : { code: 'training-error', message: 'The training failed on our side; it can be retried.' },
    };
  }
  const updatedAt = deps.now().toISOString();
  try {
    await deps.trainings.update(trainingId, { ...outcome, updatedAt });
  } catch (error) {
    // The outcome as built could not be stored (a report DynamoDB refuses): the training must still end, so a bare
    // failure takes its place; only when that too fails does the error reach Lambda (and the dead letters).
    logger.error('training record not written; writing a bare failed one', { trainingId, errorName: (error as Error).name });
    outcome = {
      status: 'failed',
      stage: 'failed',
      error: { code: 'record-not-written', message: 'The training ran but its outcome could not be stored; it can be retried.' },
    };
    event = {};
    await deps.trainings.update(trainingId, { ...outcome, updatedAt });
  }
  deps.audit({
    event: 'training',
    schemaVersion: AUDIT_SCHEMA_VERSION,
    timestamp: updatedAt,
    requestId,
    callerPseudonym: record.callerId,
    trainingId,
    source: record.source,
    model: record.model,
    ...event,
    status: outcome.status as 'succeeded' | 'failed',
    errorCode: outcome.error?.code,
    durationSeconds: Math.round((performance.now() - started) / 10) / 100,
  });
  return { ...record, ...outcome, updatedAt };
}
