import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createDocumentClient, createS3Client } from '../platform/aws';
import type { ReportConfig } from '../platform/config';
import type { LogLines } from '../monitoring/report/audit-trail';
import type { AuditSources } from '../monitoring/report/collect';
import { figuresFromRecords } from '../monitoring/report/model-figures';
import type { PutFile } from '../monitoring/report/publish';
import { createModelRecords } from '../records/model-records-dynamodb';
import { createAliasStore } from '../serving/aliases-dynamodb';
import { approvalOf } from '../serving/registry';
import { createModelRegistry } from './wiring';

/** The governance documents the report names by version: the processing register (Art. 30) and the DPIA. */
export const GOVERNANCE_DOCUMENTS = ['record-of-processing.md', 'dpia.md'];

/**
 * The report's sources on a stage, from its configuration: records through the byModel index, the registry
 * (shipped and trained versions, their baselines and approvals), the aliases log, the governance documents; the
 * log lines come from the caller (CloudWatch Logs in AWS, .local/logs for `vigie report`).
 */
export function createAuditSources(config: ReportConfig, logLines: LogLines, now: Date): AuditSources {
  const documents = createDocumentClient(config);
  const records = createModelRecords(documents, config.PREDICTIONS_TABLE);
  const registry = createModelRegistry(config);
  const aliases = createAliasStore(documents, config.ALIASES_TABLE);
  return {
    stage: config.VIGIE_STAGE,
    now,
    retentionDays: config.RETENTION_DAYS,
    modelNames: () => registry.modelNames(),
    figures: figuresFromRecords(records),
    records,
    baselineOf: async (model, version) => (await registry.inspect(model, version)).metadata.baseline,
    approvalsOf: async (model) =>
      Promise.all(
        (await registry.versions(model)).map(async (version) => {
          const entry = await registry.inspect(model, version);
          const approval = entry.metadata.governance?.approval;
          return {
            version,
            status: approvalOf(entry),
            ...(approval?.approver && { approver: approval.approver }),
            ...(approval?.date && { date: approval.date }),
          };
        }),
      ),
    lifecycleOf: (model) => aliases.history(model),
    logLines,
    documents: () =>
      Promise.all(
        GOVERNANCE_DOCUMENTS.map(async (name) => {
          const text = await readFile(join(config.GOVERNANCE_DIR, name));
          return {
            name: `governance/${name}`,
            sha256: createHash('sha256').update(text).digest('hex').slice(0, 16),
            bytes: text.length,
          };
        }),
      ),
  };
}

/** Writes a report file into the stage's results bucket. */
export function resultsWriter(config: ReportConfig): PutFile {
  const s3 = createS3Client(config);
  return async (key, body, contentType) => {
    await s3.send(new PutObjectCommand({ Bucket: config.RESULTS_BUCKET, Key: key, Body: body, ContentType: contentType }));
  };
}
