/**
 * Security review of a CloudFormation template, as rules a test can run: least-privilege IAM, private and
 * encrypted TLS-only buckets, encrypted tables with point-in-time recovery, log groups with a retention.
 */
interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface Template {
  Resources: Record<string, Resource>;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function iamStatements(resource: Resource): Statement[] {
  const documents: unknown[] = [];
  if (resource.Type === 'AWS::IAM::Role') {
    for (const policy of list(resource.Properties?.Policies as Array<{ PolicyDocument: unknown }>))
      documents.push(policy.PolicyDocument);
  }
  if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy')
    documents.push(resource.Properties?.PolicyDocument);
  return documents.flatMap((document) => list((document as { Statement?: Statement | Statement[] })?.Statement));
}

/** Refers to resource `id` by Ref or GetAtt anywhere inside `value`. */
const refersTo = (value: unknown, id: string): boolean =>
  JSON.stringify(value ?? null).includes(`"Ref":"${id}"`) || JSON.stringify(value ?? null).includes(`["${id}","Arn"]`);

export function auditTemplate(template: Template): string[] {
  const findings: string[] = [];
  const resources = Object.entries(template.Resources);
  for (const [id, resource] of resources) {
    for (const statement of iamStatements(resource).filter((s) => s.Effect === 'Allow')) {
      for (const action of list(statement.Action))
        if (action.includes('*')) findings.push(`${id}: allows wildcard action ${action}`);
      for (const target of list(statement.Resource))
        if (target === '*') findings.push(`${id}: allows ${list(statement.Action)} on every resource`);
    }
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::S3::Bucket') {
      const block = p.PublicAccessBlockConfiguration as Record<string, boolean> | undefined;
      const blocked = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every(
        (k) => block?.[k] === true,
      );
      if (!blocked) findings.push(`${id}: bucket without a full public access block`);
      if (!p.BucketEncryption) findings.push(`${id}: bucket without default encryption`);
      const tlsOnly = resources.some(
        ([, policy]) =>
          policy.Type === 'AWS::S3::BucketPolicy' &&
          refersTo(policy.Properties?.Bucket, id) &&
          /"aws:SecureTransport":"?false"?/.test(JSON.stringify(policy.Properties?.PolicyDocument)),
      );
      if (!tlsOnly) findings.push(`${id}: bucket without a TLS-only policy`);
    }
    if (resource.Type === 'AWS::DynamoDB::Table') {
      if ((p.SSESpecification as { SSEEnabled?: boolean } | undefined)?.SSEEnabled !== true)
        findings.push(`${id}: table without SSE`);
      const pitr = p.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: boolean } | undefined;
      if (pitr?.PointInTimeRecoveryEnabled !== true) findings.push(`${id}: table without point-in-time recovery`);
    }
    if (resource.Type === 'AWS::Logs::LogGroup' && typeof p.RetentionInDays !== 'number')
      findings.push(`${id}: log group kept forever`);
  }
  return findings;
}
