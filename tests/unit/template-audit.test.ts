import { describe, expect, it } from 'vitest';
import { auditTemplate, type Template } from '../support/template-audit';

/** The rules of the security review, each shown to catch what it is for on a hand-made template. */
const role = (statement: Record<string, unknown>) => ({
  Type: 'AWS::IAM::Role',
  Properties: { Policies: [{ PolicyDocument: { Statement: [statement] } }] },
});

describe('auditTemplate', () => {
  it('passes a least-privilege role, a locked bucket, a protected table and a log group with retention', () => {
    const template: Template = {
      Resources: {
        Role: role({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } }),
        Bucket: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: true,
              BlockPublicPolicy: true,
              IgnorePublicAcls: true,
              RestrictPublicBuckets: true,
            },
            BucketEncryption: {},
          },
        },
        BucketPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'Bucket' },
            PolicyDocument: {
              Statement: [{ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
            },
          },
        },
        Table: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            SSESpecification: { SSEEnabled: true },
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          },
        },
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
      },
    };
    expect(auditTemplate(template)).toEqual([]);
  });

  it('flags wildcard actions and resources, open or unencrypted buckets, unprotected tables, eternal logs', () => {
    const template: Template = {
      Resources: {
        Greedy: role({ Effect: 'Allow', Action: ['s3:*'], Resource: '*' }),
        Open: { Type: 'AWS::S3::Bucket', Properties: {} },
        Bare: { Type: 'AWS::DynamoDB::Table', Properties: {} },
        Forever: { Type: 'AWS::Logs::LogGroup', Properties: {} },
      },
    };
    expect(auditTemplate(template)).toEqual([
      'Greedy: allows wildcard action s3:*',
      'Greedy: allows s3:* on every resource',
      'Open: bucket without a full public access block',
      'Open: bucket without default encryption',
      'Open: bucket without a TLS-only policy',
      'Bare: table without SSE',
      'Bare: table without point-in-time recovery',
      'Forever: log group kept forever',
    ]);
  });

  it('does not flag a Deny with a wildcard (the TLS-only policies are made of them)', () => {
    expect(auditTemplate({ Resources: { Guard: role({ Effect: 'Deny', Action: 's3:*', Resource: '*' }) } })).toEqual([]);
  });
});
