/**
 * The peer a user would write instead of Vigie (issue #16): one plain node:http server, one process, that
 * decodes the picture with sharp, runs it through onnxruntime and writes the prediction's record to DynamoDB
 * before it answers. No API Gateway emulation, no Lambda runtime, no API key, no erasure ledger. It runs the same
 * model work as Vigie (the same preprocessing and session code, so the same answers at the same cost) and writes
 * the same record fields: what it measures against Vigie's HTTP predict is the platform, not the model.
 *
 * Started by the bench as a child process: PEER_PORT, PEER_TABLE, VIGIE_DYNAMODB_ENDPOINT, AWS_REGION and
 * MODELS_DIR in its environment. Prints "peer ready" once it listens.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/platform/aws';
import { imageInputOf } from '../../functions/serving/model-spec';
import { runModel } from '../../functions/serving/inference/run-model';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { sha256Hex } from '../../functions/serving/prediction-record';
import { expiryFor } from '../../functions/records/records';
import { ModelRegistry } from '../../functions/serving/registry';

const env = process.env;
const documents = createDocumentClient({
  AWS_REGION: env.AWS_REGION ?? 'us-east-1',
  VIGIE_DYNAMODB_ENDPOINT: env.VIGIE_DYNAMODB_ENDPOINT,
});
const table = env.PEER_TABLE!;
const registry = new ModelRegistry(env.MODELS_DIR ?? 'models');
const sessions = new SessionCache();
const limits = { ...DEFAULT_DECODE_LIMITS, maxBytes: 6 * 1024 * 1024 };

async function predict(modelName: string, bytes: Buffer) {
  const started = performance.now();
  const createdAt = new Date();
  const model = await registry.resolve(modelName);
  const prepared = await preprocessImage(bytes, imageInputOf(model.metadata), limits);
  const preprocessMs = performance.now() - started;
  const answer = await runModel(sessions, model, prepared.tensor, prepared.letterbox);
  const record = {
    predictionId: randomUUID(),
    requestId: randomUUID(),
    source: 'http',
    inputSha256: sha256Hex(bytes),
    model: model.metadata.name,
    modelVersion: model.metadata.version,
    modelSha256: model.metadata.artifact.sha256,
    status: 'succeeded',
    result: answer.result,
    createdAt: createdAt.toISOString(),
    expiresAt: expiryFor(createdAt, 90),
    timings: { preprocessMs, inferenceMs: answer.inferenceMs, totalMs: performance.now() - started },
  };
  await documents.send(new PutCommand({ TableName: table, Item: record }));
  return record;
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const model = /^\/v1\/models\/([^/]+)\/predict$/.exec(request.url ?? '')?.[1] ?? '';
    predict(model, Buffer.concat(chunks)).then(
      ({ predictionId, modelVersion, result, timings }) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ predictionId, model, modelVersion, result, timings }));
      },
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: error.message }));
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(env.PEER_PORT), '127.0.0.1', () => console.log('peer ready'));
