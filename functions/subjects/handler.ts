import { BucketModels } from '../training/model-bucket';
import { createDocumentClient, createS3Client } from '../platform/aws';
import { loadConfig, subjectsConfigSchema } from '../platform/config';
import { InvalidInputError } from '../platform/errors';
import { formerSpellings, normaliseSubjectId, SUBJECT_ID_MAX_CHARS } from '../records/subject-id';
import { apiHandler } from '../api/http/api-handler';
import { authorizeSubjectRights, type AuthenticatedContext } from '../api/http/api-keys';
import { subjectIdSchema } from '../api/http/path-parameters';
import { json } from '../api/http/responses';
import { reportSubjectRequest } from '../records/observability';
import { AUDIT_SCHEMA_VERSION } from '../records/audit';
import { createErasureLedger } from '../records/erasure-ledger-dynamodb';
import { createPredictionStore } from '../records/records-dynamodb';
import type { PredictionRecord } from '../records/records';
import { createSubjectIndex } from '../records/subject-index-dynamodb';
import type { TrainingRecord } from '../training/training-store';
import { createTrainingStore } from '../training/training-store-dynamodb';
import { createBucketFiles } from '../uploads/bucket-files-s3';
import { createApiKeyVerifier, loadPseudonymiser } from '../wiring/wiring';
import { eraseSubject, exportSubject, type SubjectDataDeps } from './subject-data';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

const config = loadConfig(subjectsConfigSchema);
const verifier = createApiKeyVerifier(config);
const documents = createDocumentClient(config);
const s3 = createS3Client(config);
const deps: Promise<SubjectDataDeps> = loadPseudonymiser().then((pseudonymise) => ({
  files: createBucketFiles(s3),
  // Each table through its store and its subject index.
  predictions: {
    ...createPredictionStore(documents, config.PREDICTIONS_TABLE),
    ...createSubjectIndex<PredictionRecord>(documents, config.PREDICTIONS_TABLE),
  },
  erasures: createErasureLedger(documents, config.ERASURES_TABLE),
  pseudonymise,
  uploadsBucket: config.UPLOADS_BUCKET,
  resultsBucket: config.RESULTS_BUCKET,
  trainings: {
    ...createTrainingStore(documents, config.TRAININGS_TABLE),
    ...createSubjectIndex<TrainingRecord>(documents, config.TRAININGS_TABLE),
  },
  // Versions trained on a person's table are marked by erasure (subject-trainings.ts).
  models: new BucketModels(s3, config.MODELS_BUCKET),
  now: () => new Date(),
  // Long enough for an upload being processed during the first sweep to finish (p99 under 1 s, docs/benchmarks.md).
  settleMs: 2_000,
}));

/**
 * GDPR rights on the data held about one person, named by the same identifier the uploads carried
 * (`subject-id` metadata or `x-subject-id` header), pseudonymised here exactly as there:
 *   DELETE /v1/subjects/{subjectId}         erasure (Art. 17), answers a receipt with counts
 *   GET    /v1/subjects/{subjectId}/export  access and portability (Art. 15, 20)
 * Both are audit-logged with pseudonyms only, and need a key with the subject-rights permission.
 */
async function lambdaHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const { caller } = context as AuthenticatedContext;
  const started = Date.now();
  authorizeSubjectRights(caller);
  // API Gateway HTTP APIs (and serverless-offline) hand path parameters already percent-decoded: decoding again
  // would make `user%2541` (the id `user%41`) someone else's, `userA` (#11.3).
  const subjectId = normaliseSubjectId(event.pathParameters?.subjectId ?? '');
  if (!subjectIdSchema.safeParse(subjectId).success) {
    throw new InvalidInputError('invalid-subject', `Give the subject identifier (1 to ${SUBJECT_ID_MAX_CHARS} characters).`);
  }
  const ready = await deps;
  const { pseudonymise } = ready;
  const subjectPseudonym = pseudonymise(subjectId);
  const subject = { pseudonym: subjectPseudonym, formerPseudonyms: formerSpellings(subjectId).map(pseudonymise) };
  const audit = {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    timestamp: ready.now().toISOString(),
    requestId: event.requestContext.requestId,
    callerPseudonym: pseudonymise(`api-key:${caller.keyId}`),
    subjectPseudonym,
  };
  if (event.requestContext.http.method === 'DELETE') {
    const receipt = await eraseSubject(ready, subject);
    const { predictions, files, inFlightUploads } = receipt;
    reportSubjectRequest({
      event: 'subject-erasure',
      ...audit,
      predictions,
      files,
      inFlightUploads,
      durationMs: Date.now() - started,
    });
    return json(200, receipt);
  }
  const exported = await exportSubject(ready, subject);
  reportSubjectRequest({
    event: 'subject-export',
    ...audit,
    predictions: exported.predictions.length,
    files: exported.files.length,
    durationMs: Date.now() - started,
  });
  return json(200, exported);
}

export const handler = apiHandler({ verifier }).handler(lambdaHandler);
