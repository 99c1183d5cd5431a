import type { ModelRecords } from '../../records/model-records';
import type { LifecycleEvent } from '../../serving/aliases';
import type { Baseline } from '../../serving/baseline';
import type { Approval, AuditFigures, LifecycleMove, Month, VersionReport } from './audit-figures';
import { readAuditTrail, type LogLines } from './audit-trail';
import type { ModelMonthFigures } from './model-figures';
import { countPastRetention, reviewRecords } from './records-review';

/** Where the month's figures come from: every side effect of the report, as parameters (wiring in its callers). */
export interface AuditSources {
  stage: string;
  now: Date;
  retentionDays: number;
  modelNames(): Promise<string[]>;
  figures: ModelMonthFigures;
  records: ModelRecords;
  baselineOf(model: string, version: string): Promise<Baseline | undefined>;
  /** Each version's decision, as its metadata records it. */
  approvalsOf(model: string): Promise<Array<{ version: string; status: string; approver?: string; date?: string }>>;
  /** The model's lifecycle log (aliases table), oldest first. */
  lifecycleOf(model: string): Promise<LifecycleEvent[]>;
  logLines: LogLines;
  /** The governance documents in force (the processing register, the DPIA), identified by their text's hash. */
  documents(): Promise<AuditFigures['gdpr']['documents']>;
}

const within = (month: Month, at: string) => at >= month.from && at <= month.to;

/** Gathers the month's figures: per model, its versions' figures and drift; the GDPR checks; the lifecycle. */
export async function collectAuditFigures(sources: AuditSources, month: Month): Promise<AuditFigures> {
  // Records of models refused as unknown are kept under `unknown` (platform/model-name.ts): they count too.
  const names = [...(await sources.modelNames()), 'unknown'];
  const models: VersionReport[] = [];
  const lifecycle: LifecycleMove[] = [];
  const approvals: Approval[] = [];
  let recordsScanned = 0;
  let pastRetention = 0;
  const findings: string[] = [];
  for (const model of names) {
    const [versions, review] = await Promise.all([
      sources.figures(model, month),
      reviewRecords(sources.records, sources.baselineOf, model, month),
    ]);
    recordsScanned += review.scanned;
    findings.push(...review.findings);
    pastRetention += await countPastRetention(sources.records, model, sources.now, sources.retentionDays);
    for (const version of versions) {
      const drift = review.drift.get(version.version) ?? { status: 'not-enough-data', days: [], alarmDays: 0, breaches: {} };
      models.push({ model, ...version, drift });
    }
    if (model === 'unknown') continue;
    for (const event of await sources.lifecycleOf(model)) {
      if (!within(month, event.at)) continue;
      const { action, alias, from, to, actor, reason, at } = event;
      lifecycle.push({ model, at, action, actor, reason, ...(alias && { alias }), ...(from && { from }), ...(to && { to }) });
    }
    for (const decision of await sources.approvalsOf(model)) {
      if (decision.status === 'pending' || !decision.date || decision.date.slice(0, 7) !== month.month) continue;
      approvals.push({ model, ...decision, date: decision.date });
    }
  }
  const trail = await readAuditTrail(sources.logLines, month);
  return {
    month: month.month,
    stage: sources.stage,
    generatedAt: sources.now.toISOString(),
    gdpr: {
      subjectRequests: trail.subjectRequests,
      pastRetention: { records: pastRetention, retentionDays: sources.retentionDays },
      rawIdentifiers: { recordsScanned, logLinesScanned: trail.linesScanned, findings: [...findings, ...trail.findings] },
      documents: await sources.documents(),
    },
    models: models.filter((v) => v.predictions > 0),
    lifecycle: lifecycle.sort((a, b) => a.at.localeCompare(b.at)),
    approvals: approvals.sort((a, b) => a.date.localeCompare(b.date)),
  };
}
