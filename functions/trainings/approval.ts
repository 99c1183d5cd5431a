import * as z from 'zod/mini';
import '../platform/zod-messages';
import { AUDIT_SCHEMA_VERSION, type ModelApprovalAuditEvent } from '../records/audit';
import type { BucketModels } from '../training/model-bucket';
import type { TrainingStore } from '../training/training-store';
import { checkTrainableName } from '../training/trainable';
import { ConflictError, ForbiddenError, InvalidInputError, ModelNotFoundError } from '../platform/errors';
import { approvalBodySchema } from '../api/http/approval-body';
import type { ModelMetadata } from '../serving/model-spec';
import type { ModelRegistry } from '../serving/registry';

export type ApprovalBody = z.infer<typeof approvalBodySchema>;

export function parseApprovalBody(body: unknown): ApprovalBody {
  const parsed = approvalBodySchema.safeParse(body);
  if (!parsed.success) {
    throw new InvalidInputError('invalid-body', 'Send {"decision": "approved" | "rejected", "approver": "…", "notes": "…"}.');
  }
  return parsed.data;
}

/**
 * Who trained or imported a version: the key that sent the import, or the training as it recorded its caller (the pseudonym; run-training.ts writes the
 * training's id into the version's provenance): undefined for an S3 upload (no key sent it), a version trained
 * before trainings were named there, or a training record past its retention.
 */
export function trainerOf(trainings: TrainingStore) {
  return async (metadata: ModelMetadata): Promise<string | undefined> => {
    // An imported version: the key that sent it (functions/training/import/import-model.ts).
    const imported = metadata.training.import as { callerPseudonym?: string } | undefined;
    if (imported) return imported.callerPseudonym;
    const { trainingId } = metadata.training;
    return typeof trainingId === 'string' ? (await trainings.get(trainingId))?.callerId : undefined;
  };
}

/**
 * A person's decision on a pending trained version: written into its metadata (governance.approval, which the
 * registry reads to serve it or not), with its model card regenerated, and audited. A version is decided once,
 * even when two people decide at the same moment (the write is conditional on the metadata read); shipped
 * versions are reviewed in the repository, not here, and their names are never approved for a trained version.
 * With the two-person rule (`trainer` given), the key that trained the version may not decide on it: 403
 * `same-person-approval`.
 */
export async function decide(
  { models, shipped }: { models: BucketModels; shipped: Pick<ModelRegistry, 'shippedNames'> },
  model: string,
  version: string,
  body: ApprovalBody,
  context: {
    now: Date;
    requestId: string;
    callerPseudonym: string;
    approverPseudonym: string;
    trainer?: (metadata: ModelMetadata) => Promise<string | undefined>;
  },
): Promise<{ metadata: ModelMetadata; audit: ModelApprovalAuditEvent }> {
  // Past this container's cache: a version the train function registered a moment ago is decidable at once.
  models.forget();
  const listed = (await models.listing()).get(model) ?? [];
  if (!listed.includes(version)) throw new ModelNotFoundError(model, version);
  const { metadata, eTag } = await models.current(model, version);
  const alreadyDecided = (status: string) =>
    new ConflictError('version-already-decided', `Version ${version} of '${model}' is ${status}, not pending.`);
  const current = metadata.governance?.approval.status ?? 'pending';
  if (!metadata.governance || current !== 'pending') throw alreadyDecided(current);
  if (context.trainer && (await context.trainer(metadata)) === context.callerPseudonym) {
    throw new ForbiddenError(
      `Version ${version} of '${model}' was trained with this API key: another person's key must decide on it (two-person rule).`,
      'same-person-approval',
    );
  }
  // A version learnt from an erased person's table is served only on a reason written down (#20.4).
  if (metadata.governance.trainedOnErasedSubject && body.decision === 'approved' && !body.notes?.trim()) {
    throw new InvalidInputError(
      'erased-subject-needs-notes',
      `Version ${version} of '${model}' was trained on the data of a person since erased: retrain without it, or ` +
        'approve with notes saying why this version is kept.',
    );
  }
  // Only an approval serves a version: one that would replace a shipped model or change the model's input kind
  // (stored before trainings refused such names) can still be rejected, never approved.
  if (body.decision === 'approved') {
    await checkTrainableName(shipped, model);
    await models.checkInputKind(model, metadata.input.kind, version);
  }
  const decided: ModelMetadata = {
    ...metadata,
    governance: {
      ...metadata.governance,
      approval: {
        status: body.decision,
        approver: body.approver,
        date: context.now.toISOString().slice(0, 10),
        ...(body.notes && { notes: body.notes }),
      },
    },
  };
  if (!(await models.replaceMetadata(decided, eTag))) {
    const { metadata: now } = await models.current(model, version);
    throw alreadyDecided(now.governance?.approval.status ?? 'pending');
  }
  return {
    metadata: decided,
    audit: {
      event: 'model-approval',
      schemaVersion: AUDIT_SCHEMA_VERSION,
      timestamp: context.now.toISOString(),
      requestId: context.requestId,
      callerPseudonym: context.callerPseudonym,
      model,
      modelVersion: version,
      modelSha256: metadata.artifact.sha256,
      decision: body.decision,
      approverPseudonym: context.approverPseudonym,
    },
  };
}
