import * as z from 'zod/mini';
import '../shared/zod-messages';
import { AUDIT_SCHEMA_VERSION, type ModelApprovalAuditEvent } from '../shared/audit';
import type { BucketModels } from '../shared/automl/model-bucket';
import { ConflictError, InvalidInputError, ModelNotFoundError } from '../shared/errors';
import { approvalBodySchema } from '../shared/http/approval-body';
import type { ModelMetadata } from '../shared/model-spec';

export type ApprovalBody = z.infer<typeof approvalBodySchema>;

export function parseApprovalBody(body: string | undefined): ApprovalBody {
  let raw: unknown;
  try {
    raw = JSON.parse(body ?? '');
  } catch {
    throw new InvalidInputError('invalid-json', 'The body is not valid JSON.');
  }
  const parsed = approvalBodySchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInputError('invalid-body', 'Send {"decision": "approved" | "rejected", "approver": "…", "notes": "…"}.');
  }
  return parsed.data;
}

/**
 * A person's decision on a pending trained version: written into its metadata (governance.approval, which the
 * registry reads to serve it or not) and audited. A version is decided once; shipped versions are reviewed in
 * the repository, not here.
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
  const metadata = await models.metadata(model, version);
  const current = metadata.governance?.approval.status ?? 'pending';
  if (!metadata.governance || current !== 'pending') {
    throw new ConflictError('version-already-decided', `Version ${version} of '${model}' is ${current}, not pending.`);
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
  await models.writeMetadata(decided);
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
