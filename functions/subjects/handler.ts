import { createDocumentClient, createS3Client } from '../shared/aws';
import { loadConfig, subjectsConfigSchema } from '../shared/config';
import { InvalidInputError } from '../shared/errors';
import { apiHandler } from '../shared/http/api-handler';
import { authorizeSubjectRights, type AuthenticatedContext } from '../shared/http/api-keys';
import { json } from '../shared/http/responses';
import { reportSubjectRequest } from '../shared/observability';
import { AUDIT_SCHEMA_VERSION } from '../shared/audit';
import { createApiKeyVerifier, loadPseudonymiser } from '../shared/wiring';
import { eraseSubject, exportSubject, type SubjectDataDeps } from './subject-data';

const config = loadConfig(subjectsConfigSchema);
const verifier = createApiKeyVerifier(config);
const pseudonymise = loadPseudonymiser();
const deps: SubjectDataDeps = {
  s3: createS3Client(config),
  documents: createDocumentClient(config),
  predictionsTable: config.PREDICTIONS_TABLE,
  uploadsBucket: config.UPLOADS_BUCKET,
  resultsBucket: config.RESULTS_BUCKET,
  now: () => new Date(),
};

/**
 * GDPR rights on the data held about one person, named by the same identifier the uploads carried
 * (`subject-id` metadata or `x-subject-id` header), pseudonymised here exactly as there:
 *   DELETE /v1/subjects/{subjectId}         erasure (Art. 17), answers a receipt with counts
 *   GET    /v1/subjects/{subjectId}/export  access and portability (Art. 15, 20)
 * Both are audit-logged with pseudonyms only, and need a key with the subject-rights permission.
 */
export const handler = apiHandler({ verifier }).handler(async (event, context) => {
  const { caller } = context as AuthenticatedContext;
  authorizeSubjectRights(caller);
  const subjectId = decodeURIComponent(event.pathParameters?.subjectId ?? '').trim();
  if (!subjectId || subjectId.length > 256)
    throw new InvalidInputError('invalid-subject', 'Give the subject identifier (1 to 256 characters).');
  const subjectPseudonym = (await pseudonymise)(subjectId);
  const audit = {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    timestamp: deps.now().toISOString(),
    requestId: event.requestContext.requestId,
    callerPseudonym: (await pseudonymise)(`api-key:${caller.keyId}`),
    subjectPseudonym,
  };
  if (event.requestContext.http.method === 'DELETE') {
    const receipt = await eraseSubject(deps, subjectPseudonym);
    reportSubjectRequest({ event: 'subject-erasure', ...audit, predictions: receipt.predictions, files: receipt.files });
    return json(200, receipt);
  }
  const exported = await exportSubject(deps, subjectPseudonym);
  reportSubjectRequest({
    event: 'subject-export',
    ...audit,
    predictions: exported.predictions.length,
    files: exported.files.length,
  });
  return json(200, exported);
});
