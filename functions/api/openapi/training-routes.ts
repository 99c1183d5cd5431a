import { approvalBodySchema } from '../http/approval-body';
import { trainingIdSchema } from '../http/path-parameters';
import { MAX_TRAININGS_PAGE, trainingListFields } from '../http/training-list-query';
import { binary, modelParameter, subjectHeader, versionParameter, type RouteDoc } from './route-doc';
import {
  approvalAnswerSchema,
  trainingListSchema,
  trainingQuery,
  trainingQueuedSchema,
  trainingSchema,
} from './training-schemas';

const trainedModelParameter = {
  ...modelParameter,
  description: 'the model to train a new version of: lowercase letters, digits and hyphens, up to 64 characters',
};

/** Training from a CSV and a person's approval of what it made (functions/trainings, docs/automl.md). */
export const TRAINING_ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/models/{model}/trainings',
    operationId: 'startTraining',
    summary: 'Train a new, pending version of a model from a CSV table',
    description:
      'The body is the table with a header row; `target` names the column to predict. The training runs ' +
      'asynchronously: follow it with `GET /v1/trainings/{trainingId}`. A bad table (ragged rows, one class, too ' +
      'few rows…) is a failed training with its `error`, not a refusal here.',
    tag: 'Training',
    permission: 'model',
    parameters: [
      trainedModelParameter,
      { name: 'target', in: 'query', required: true, description: 'the column to predict', schema: trainingQuery.target },
      { name: 'task', in: 'query', description: 'detected from the target column when absent', schema: trainingQuery.task },
      {
        name: 'metric',
        in: 'query',
        description: 'what the search ranks candidates by: a classification or a regression metric',
        schema: trainingQuery.metric,
      },
      {
        name: 'timeBudgetSeconds',
        in: 'query',
        description: 'the candidate search’s budget',
        schema: trainingQuery.timeBudgetSeconds,
      },
      {
        name: 'acceptIdentifiers',
        in: 'query',
        description:
          'columns that look like direct identifiers (names, e-mails, phone numbers, IBANs, national ids) to train ' +
          'on all the same, comma-separated; any other such column fails the training with `identifier-columns`, ' +
          'and accepted ones are shown to the approver on the card',
        schema: trainingQuery.acceptIdentifiers,
      },
      {
        ...subjectHeader,
        description: `${subjectHeader.description}; the table and what the training derives from it are then exported and erased with that person`,
      },
    ],
    requestBody: {
      required: true,
      content: { 'text/csv': binary('text/csv'), 'application/octet-stream': binary('application/octet-stream') },
    },
    responses: {
      202: {
        description: 'Queued.',
        content: { 'application/json': trainingQueuedSchema },
        headers: { Location: 'where to follow the training: `/v1/trainings/{trainingId}`' },
      },
    },
    problems: {
      400: ['invalid-model-name', 'invalid-training-request', 'empty-input', 'unknown-target', 'invalid-subject', 'csv-not-utf8'],
      403: ['forbidden'],
      409: ['reserved-model-name', 'input-kind-changed'],
      413: ['payload-too-large'],
      415: ['unsupported-media-type'],
    },
  },
  {
    method: 'get',
    path: '/v1/trainings',
    operationId: 'listTrainings',
    summary: 'A model’s trainings, newest first, a page at a time',
    description:
      'Summaries (status, progress, version, error…); the data report, leaderboard and metrics are in ' +
      '`GET /v1/trainings/{trainingId}`. A training an S3 upload started shows its `inputKey`: ' +
      '`?inputKey=training/<model>/<file>.csv` finds it.',
    tag: 'Training',
    permission: 'model',
    parameters: [
      { name: 'model', in: 'query', required: true, description: 'the model', schema: trainingListFields.model },
      {
        name: 'inputKey',
        in: 'query',
        description: 'only the trainings started by an upload to this key',
        schema: trainingListFields.inputKey,
      },
      {
        name: 'limit',
        in: 'query',
        description: `trainings per page, 1 to ${MAX_TRAININGS_PAGE} (default 20)`,
        schema: trainingListFields.limit,
      },
      { name: 'cursor', in: 'query', description: 'the previous page’s `cursor`', schema: trainingListFields.cursor },
    ],
    responses: { 200: { description: 'A page of trainings.', content: { 'application/json': trainingListSchema } } },
    problems: { 400: ['invalid-query', 'invalid-cursor'], 403: ['forbidden'] },
  },
  {
    method: 'get',
    path: '/v1/trainings/{trainingId}',
    operationId: 'getTraining',
    summary: 'A training’s state, data report, leaderboard and held-out metrics',
    tag: 'Training',
    permission: 'model',
    parameters: [
      {
        name: 'trainingId',
        in: 'path',
        required: true,
        description: 'the `trainingId` of the 202 answer (a key for another model gets 404)',
        schema: trainingIdSchema,
      },
    ],
    responses: { 200: { description: 'The training.', content: { 'application/json': trainingSchema } } },
    problems: { 404: ['not-found'] },
  },
  {
    method: 'post',
    path: '/v1/models/{model}/versions/{version}/approval',
    operationId: 'decideVersion',
    summary: 'Approve (serve) or reject a pending trained version',
    description:
      'A version is decided once; the decision is written into its metadata and audited. With the two-person rule ' +
      '(`VIGIE_TWO_PERSON_APPROVAL=true`), the key that trained the version may not decide on it.',
    tag: 'Training',
    permission: 'models:approve',
    parameters: [trainedModelParameter, { ...versionParameter, description: 'the pending version a training made' }],
    requestBody: { required: true, content: { 'application/json': approvalBodySchema } },
    responses: {
      200: { description: 'The decision, as now in the metadata.', content: { 'application/json': approvalAnswerSchema } },
    },
    problems: {
      400: ['invalid-model-name', 'invalid-json', 'json-too-deep', 'invalid-body', 'erased-subject-needs-notes'],
      403: ['forbidden', 'same-person-approval'],
      404: ['model-not-found'],
      409: ['version-already-decided', 'reserved-model-name', 'input-kind-changed'],
      415: ['unsupported-media-type'],
    },
  },
];
