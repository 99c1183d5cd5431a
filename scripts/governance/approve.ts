import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { approvalSchema, registeredModelMetadataSchema } from '../../functions/serving/model-spec';

export type Approval = z.infer<typeof approvalSchema>;

export interface ApprovalRequest {
  model: string;
  version: string;
  approver?: string;
  status?: string;
  notes?: string;
}

/**
 * Records a person's review of a version: copies the model's governance facts (models/<model>/governance.json:
 * owner, intended use, personal data, factors, limitations…) into the version's metadata.json with the decision.
 * Only `approved` versions are served. Throws with the reason when the decision or the result would be invalid.
 */
export function recordApproval(request: ApprovalRequest, modelsDir = 'models'): Approval {
  const path = join(modelsDir, request.model, request.version, 'metadata.json');
  const metadata = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const facts = JSON.parse(readFileSync(join(modelsDir, request.model, 'governance.json'), 'utf8')) as Record<string, unknown>;
  const approval = approvalSchema.safeParse({
    status: request.status ?? 'approved',
    approver: request.approver,
    date: new Date().toISOString().slice(0, 10),
    notes: request.notes,
  });
  if (!approval.success) throw new Error(`Invalid approval: ${approval.error.issues.map((issue) => issue.message).join('; ')}`);
  const updated = { ...metadata, governance: { ...facts, approval: approval.data } };
  const checked = registeredModelMetadataSchema.safeParse(updated);
  if (!checked.success) throw new Error(`${path} would not be a valid registered version:\n${checked.error.message}`);
  writeFileSync(path, `${JSON.stringify(updated, null, 2)}\n`);
  return approval.data;
}
