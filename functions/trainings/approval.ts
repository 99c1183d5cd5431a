import * as z from 'zod/mini';
import '../shared/zod-messages';
import { AUDIT_SCHEMA_VERSION, type ModelApprovalAuditEvent } from '../shared/audit';
import type { BucketModels } from '../shared/automl/model-bucket';
import { ConflictError, InvalidInputError, ModelNotFoundError } from '../shared/errors';
import { approvalBodySchema } from '../shared/http/approval-body';
import { parseJsonBody } from '../shared/http/body';
import type { ModelMetadata } from '../shared/model-spec';

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
 * versions are reviewed in the repository, not here.
 */
export async function decide(
  models: BucketModels,
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
  // A version learnt from an erased person's table is served only on a reason written down (#20.4).
  if (metadata.governance.trainedOnErasedSubject && body.decision === 'approved' && !body.notes?.trim()) {
    throw new InvalidInputError(
      'erased-subject-needs-notes',
      `Version ${version} of '${model}' was trained on the data of a person since erased: retrain without it, or ` +
        'approve with notes saying why this version is kept.',
    );
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
