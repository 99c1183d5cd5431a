import * as z from 'zod/mini';
import '../shared/zod-messages';
import { AUDIT_SCHEMA_VERSION, type ModelApprovalAuditEvent } from '../shared/audit';
import type { BucketModels } from '../shared/automl/model-bucket';
import { checkTrainableName } from '../shared/automl/trainable';
import { ConflictError, InvalidInputError, ModelNotFoundError } from '../shared/errors';
import { approvalBodySchema } from '../shared/http/approval-body';
import { parseJsonBody } from '../shared/http/body';
import type { ModelMetadata } from '../shared/model-spec';
import type { ModelRegistry } from '../shared/registry';

export type ApprovalBody = z.infer<typeof approvalBodySchema>;

export function parseApprovalBody(body: Buffer): ApprovalBody {
  const parsed = approvalBodySchema.safeParse(parseJsonBody(body));
  if (!parsed.success) {
    throw new InvalidInputError('invalid-body', 'Send {"decision": "approved" | "rejected", "approver": "…", "notes": "…"}.');
  }
  return parsed.data;
}

/**
 * A person's decision on a pending trained version: written into its metadata (governance.approval, which the
 * registry reads to serve it or not), with its model card regenerated, and audited. A version is decided once,
 * even when two people decide at the same moment (the write is conditional on the metadata read); shipped
 * versions are reviewed in the repository, not here, and their names are never approved for a trained version.
 */
export async function decide(
  { models, shipped }: { models: BucketModels; shipped: Pick<ModelRegistry, 'shippedNames'> },
  model: string,
  version: string,
  body: ApprovalBody,
  context: { now: Date; requestId: string; callerPseudonym: string; approverPseudonym: string },
): Promise<{ metadata: ModelMetadata; audit: ModelApprovalAuditEvent }> {
  const listed = (await models.listing()).get(model) ?? [];
  if (!listed.includes(version)) throw new ModelNotFoundError(model, version);
  const { metadata, eTag } = await models.current(model, version);
  const alreadyDecided = (status: string) =>
    new ConflictError('version-already-decided', `Version ${version} of '${model}' is ${status}, not pending.`);
  const current = metadata.governance?.approval.status ?? 'pending';
  if (!metadata.governance || current !== 'pending') throw alreadyDecided(current);
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
