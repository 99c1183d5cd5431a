import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, S3Event } from 'aws-lambda';
import { createS3Client } from '../platform/aws';
import { importsConfigSchema, loadConfig } from '../platform/config';
import { InvalidInputError, NotFoundError, PayloadTooLargeError } from '../platform/errors';
import { quoteName } from '../platform/model-name';
import { logger } from '../platform/telemetry';
import { apiHandler } from '../api/http/api-handler';
import { authorizeModel, authorizePermission, type AuthenticatedContext } from '../api/http/api-keys';
import { jsonBodyOf, parseJsonBody, rawBody } from '../api/http/body';
import { formDataOf, partBytes } from '../api/http/multipart';
import { json } from '../api/http/responses';
import { ModelRegistry } from '../serving/registry';
import { importAnswer, importModel, type ImportDeps } from '../training/import/import-model';
import { parseUploadRequest } from '../training/import/upload-request';
import { uploadUrls } from '../training/import/upload-urls';
import { BucketModels } from '../training/model-bucket';
import { checkModelName } from '../training/training-request';
import { createApiKeyVerifier, loadPseudonymiser } from '../wiring/wiring';
import { createBucketFiles } from '../uploads/bucket-files-s3';
import { importFromUpload, importOutcomeKey } from './from-upload';

const config = loadConfig(importsConfigSchema);
const verifier = createApiKeyVerifier(config);
const pseudonymiser = loadPseudonymiser();
const s3 = createS3Client(config);
const files = createBucketFiles(s3);
const deps: ImportDeps = {
  models: new BucketModels(s3, config.MODELS_BUCKET),
  shipped: new ModelRegistry(config.MODELS_DIR),
  scratchDir: '/tmp/vigie-imports',
  maxBytes: config.IMPORT_MAX_BYTES,
  now: () => new Date(),
};

/** A JSON part (metadata, samples), refused with the part's name when it does not parse. */
async function jsonPart(form: FormData, name: string): Promise<unknown> {
  const bytes = await partBytes(form, name);
  if (bytes === undefined) return undefined;
  try {
    return parseJsonBody(Buffer.from(bytes));
  } catch (error) {
    throw new InvalidInputError('invalid-json', `The '${name}' part is not valid JSON: ${(error as Error).message}`);
  }
}

/** What the S3 door wrote for that version (functions/imports/from-upload.ts); 404 until it has. */
async function importOutcome(model: string, version: string): Promise<APIGatewayProxyStructuredResultV2> {
  const found = await files.head(config.RESULTS_BUCKET, importOutcomeKey(model, version));
  const bytes =
    found &&
    (await files.readIfUnchanged({ bucket: config.RESULTS_BUCKET, key: importOutcomeKey(model, version), eTag: found.eTag }));
  if (!bytes)
    throw new NotFoundError(
      `No outcome yet for the import of ${model} ${quoteName(version)}: it starts once model.onnx and metadata.json are both uploaded.`,
    );
  return json(200, JSON.parse(Buffer.from(bytes).toString('utf8')));
}

/**
 * POST /v1/models/{model}/versions: multipart parts `model` (the .onnx file), `metadata` (JSON), optional `samples`
 * (JSON, pictures inline as base64) and `version`. Permission `models:import` on a key allowed for the model.
 */
async function lambdaHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const { caller } = context as AuthenticatedContext;
  const { model = '', version: asked } = event.pathParameters ?? {};
  checkModelName(model);
  authorizeModel(caller, model);
  authorizePermission(caller, 'models:import');
  if (asked !== undefined) return importOutcome(model, asked);
  if (event.rawPath.endsWith('/imports')) {
    return json(
      201,
      await uploadUrls({ ...deps, s3, uploadsBucket: config.UPLOADS_BUCKET }, model, parseUploadRequest(jsonBodyOf(event))),
    );
  }
  const size = rawBody(event).length;
  if (size > config.IMPORT_HTTP_MAX_BYTES) {
    throw new PayloadTooLargeError(
      `The request is ${size} bytes; this route takes ${config.IMPORT_HTTP_MAX_BYTES} (Lambda's 6 MB request limit, ` +
        'base64). Larger models go through upload URLs (POST /v1/models/{model}/imports) or straight to ' +
        `s3://${config.UPLOADS_BUCKET}/models/${model}/<version>/ (model.onnx, then metadata.json): ` +
        '`vigie models import` does it for you.',
    );
  }
  const form = await formDataOf(event);
  const onnx = await partBytes(form, 'model');
  if (onnx === undefined) throw new InvalidInputError('missing-part', "Send the ONNX file as the multipart part 'model'.");
  const metadata = await jsonPart(form, 'metadata');
  if (metadata === undefined)
    throw new InvalidInputError('missing-part', "Send the metadata JSON as the multipart part 'metadata'.");
  const version = form.get('version');
  const outcome = await importModel(deps, {
    model,
    ...(typeof version === 'string' && version !== '' && { version }),
    onnx,
    metadata,
    samples: await jsonPart(form, 'samples'),
    source: 'http',
    requestId: event.requestContext.requestId,
    callerPseudonym: (await pseudonymiser)(`api-key:${caller.keyId}`),
  });
  const answer = json(201, importAnswer(outcome));
  return { ...answer, headers: { ...answer.headers, location: `/v1/models/${model}/versions/${outcome.version}/card` } };
}

const httpHandler = apiHandler({ verifier }).handler(lambdaHandler);

const s3Handler = middy(async (event: S3Event, context: Context) =>
  importFromUpload(
    { ...deps, files: createBucketFiles(s3), resultsBucket: config.RESULTS_BUCKET, pseudonymiser },
    event,
    context.awsRequestId,
  ),
).use(injectLambdaContext(logger, { resetKeys: true }));

/** The HTTP routes, or the S3 door (`models/<model>/<version>/model.onnx` and `metadata.json` in the uploads bucket). */
export const handler = (event: APIGatewayProxyEventV2 | S3Event, context: Context) =>
  'Records' in event ? s3Handler(event, context) : httpHandler(event, context);
