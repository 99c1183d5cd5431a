import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrainingListQuery } from '../../functions/api/http/training-list-query';
import { parseTrainingOptions } from '../../functions/training/training-request';
import type { OpenApiDocument } from '../../functions/api/openapi/document';
import { serverlessPrint } from '../../scripts/build/serverless-print';
import { committedDocument, problemResponse } from '../support/openapi';

/**
 * What the document covers beyond the /v1 prediction routes: every HTTP route serverless.yml declares, the Open
 * Inference Protocol's routes with their own error object, each served model's tensors, and the training routes.
 */
type Media = Record<string, { schema: { $ref?: string; allOf?: Array<{ $ref?: string }> } }>;
type Operation = {
  'x-vigie-permission': string;
  parameters?: Array<{ name: string; in: string; schema: object }>;
  requestBody?: { content: Media };
  responses: Record<string, { content?: Media }>;
};
let document: OpenApiDocument;
let paths: Record<string, Record<string, Operation>>;
let ajv: Ajv2020;

beforeAll(async () => {
  document = await committedDocument();
  paths = document.paths as typeof paths;
  ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addFormat('base64', /^[A-Za-z0-9+/]*={0,2}$/);
  ajv.addSchema(document as object, 'openapi');
});

/** The validator of one schema of the document, by its place (so its $refs to components resolve). */
const schemaAt = (...place: string[]) =>
  ajv.getSchema(`openapi#/${['paths', ...place].map((token) => token.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`)!;
const requestOf = (path: string) => schemaAt(path, 'post', 'requestBody', 'content', 'application/json', 'schema');
const answerOf = (path: string) => schemaAt(path, 'post', 'responses', '200', 'content', 'application/json', 'schema');

describe('the document covers every route', () => {
  it('documents every /v1 and /v2 route serverless.yml declares, and no templated route it does not', async () => {
    const config = await serverlessPrint('local');
    const declared = Object.values(config.functions)
      .flatMap((fn) => fn.events ?? [])
      // The $default route (`httpApi: '*'`) is no route of the API: it answers those that do not exist.
      .flatMap(({ httpApi }) =>
        httpApi && httpApi !== '*' && /^\/v[12]\b/.test(httpApi.path) ? [`${httpApi.method} ${httpApi.path}`] : [],
      );
    const documented = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(declared.length).toBeGreaterThanOrEqual(20);
    expect(declared.filter((route) => !documented.includes(route))).toEqual([]);
    // Beside the declared routes, only each served model's concrete predict and infer paths.
    const concrete = /^POST \/v[12]\/models\/[a-z0-9-]+\/(predict|infer)$/;
    expect(documented.filter((route) => !declared.includes(route) && !concrete.test(route))).toEqual([]);
  }, 30_000);
});

describe('the /v2 routes', () => {
  const v2 = () => Object.entries(paths).filter(([path]) => path.startsWith('/v2'));

  it('refuse with problem+json carrying the protocol’s `error` member, /v1 with problem+json (issue #21)', () => {
    for (const [path, methods] of Object.entries(paths)) {
      for (const operation of Object.values(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          // The probes' 503 is their answer ("not ready"), not a refusal.
          const probe = path.endsWith('/ready') || path === '/v1/health';
          if (Number(status) < 400 || (probe && status === '503')) continue;
          const media = response.content!;
          expect(Object.keys(media), `${path} ${status}`).toEqual(['application/problem+json']);
          const schema = media['application/problem+json']!.schema.allOf![0]!.$ref;
          expect(schema).toBe(`#/components/schemas/${path.startsWith('/v2') ? 'OipError' : 'Problem'}`);
        }
      }
    }
    const error = ajv.getSchema('openapi#/components/schemas/OipError')!;
    const found = { type: 'https://vigie.dev/problems/x', title: 'Not Found', status: 404, detail: 'No model.', code: 'x' };
    expect(error({ ...found, error: 'No model.' })).toBe(true);
    // An OIP client reads `error`; a bare problem without it is not the /v2 error.
    expect(error(found)).toBe(false);
    expect(error({ error: 'No model.', code: 'model-not-found' })).toBe(false);
  });

  it('document the statuses the handler answers, a key where it asks for one', () => {
    const statuses = (path: string, method = 'get') => Object.keys(paths[path]![method]!.responses).sort();
    for (const path of ['/v2/health/live', '/v2']) expect(statuses(path)).toEqual(['200', '500']);
    expect(statuses('/v2/health/ready')).toEqual(['200', '500', '503']);
    for (const path of ['/v2/models/{model}/ready', '/v2/models/{model}/versions/{version}/ready']) {
      expect(statuses(path)).toEqual(['200', '400', '401', '403', '404', '500', '503']);
    }
    for (const path of ['/v2/models/{model}/infer', '/v2/models/{model}/versions/{version}/infer', '/v2/models/iris/infer']) {
      expect(statuses(path, 'post')).toEqual(['200', '400', '401', '403', '404', '413', '500', '503']);
      expect(paths[path]!.post!['x-vigie-permission']).toBe('model');
    }
    expect(v2().length).toBeGreaterThanOrEqual(9);
  });

  it('show each served model’s own input and output tensors', () => {
    const iris = requestOf('/v2/models/iris/infer');
    const row = (input: Record<string, unknown>) => ({
      inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2], ...input }],
    });
    expect(iris(row({}))).toBe(true);
    expect(
      iris(
        row({
          shape: [2, 4],
          datatype: 'FP64',
          data: [
            [5.1, 3.5, 1.4, 0.2],
            [6.9, 3.1, 5.4, 2.1],
          ],
        }),
      ),
    ).toBe(true);
    expect(iris(row({ name: 'input0' }))).toBe(false);
    expect(iris(row({ shape: [1, 5] }))).toBe(false);
    expect(iris(row({ datatype: 'BYTES' }))).toBe(false);
    expect(iris({ ...row({}), outputs: [{ name: 'logits' }] })).toBe(false);
    const digits = requestOf('/v2/models/digits/infer');
    const image = (input: Record<string, unknown>) => ({ inputs: [{ name: 'image', ...input }] });
    expect(digits(image({ shape: [1], datatype: 'BYTES', data: ['iVBORw0KGgo='] }))).toBe(true);
    expect(digits(image({ shape: [1, 1, 28, 28], datatype: 'FP32', data: [] }))).toBe(true);
    expect(digits(image({ shape: [1, 28, 28, 1], datatype: 'UINT8', data: [] }))).toBe(true);
    expect(digits(image({ shape: [1, 28, 28, 1], datatype: 'FP32', data: [] }))).toBe(false);

    const answer = answerOf('/v2/models/iris/infer');
    const label = (data: unknown[]) => ({
      model_name: 'iris',
      outputs: [{ name: 'label', datatype: 'BYTES', shape: [data.length], data }],
    });
    expect(answer(label(['setosa']))).toBe(true);
    expect(answer(label(['rose']))).toBe(false);
    expect(answer({ ...label(['setosa']), model_name: 'digits' })).toBe(false);
    expect(JSON.stringify(answerOf('/v2/models/car-detector/infer').schema)).toContain('"enum":["car"]');
  });
});

describe('the training routes', () => {
  const query = () =>
    Object.fromEntries(
      paths['/v1/models/{model}/trainings']!.post!.parameters!.filter((p) => p.in === 'query').map((p) => [p.name, p]),
    );

  it('describe the query the handler parses: both accept and refuse the same values', () => {
    const cases: Array<Record<string, string>> = [
      { target: 'species' },
      { target: '' },
      { target: 'x'.repeat(200) },
      { target: 'x'.repeat(201) },
      { target: 'y', task: 'regression' },
      { target: 'y', task: 'clustering' },
      { target: 'y', metric: 'f1_macro' },
      { target: 'y', metric: 'rmse' },
      { target: 'y', metric: 'auc' },
      ...['4', '5', '40', '780', '781', '7.5'].map((seconds) => ({ target: 'y', timeBudgetSeconds: seconds })),
      { target: 'y', acceptIdentifiers: 'email, phone' },
      { target: 'y', acceptIdentifiers: 'x'.repeat(2_001) },
    ];
    const parameters = query();
    expect(Object.keys(parameters).sort()).toEqual(['acceptIdentifiers', 'metric', 'target', 'task', 'timeBudgetSeconds']);
    for (const values of cases) {
      const byHandler = (() => {
        try {
          parseTrainingOptions(values);
          return true;
        } catch {
          return false;
        }
      })();
      // A query string is text: the document's integer is the number the text says.
      const byDocument = Object.entries(values).every(([name, value]) =>
        ajv.validate(parameters[name]!.schema, name === 'timeBudgetSeconds' ? Number(value) : value),
      );
      expect([values, byDocument]).toEqual([values, byHandler]);
    }
  });

  it('take a CSV, answer 202, and put approval behind the models:approve permission', () => {
    const start = paths['/v1/models/{model}/trainings']!.post!;
    expect(Object.keys(start.requestBody!.content)).toEqual(['text/csv', 'application/octet-stream']);
    expect(Object.keys(start.responses)).toEqual(expect.arrayContaining(['202', '400', '413', '415']));
    const approval = paths['/v1/models/{model}/versions/{version}/approval']!.post!;
    expect(approval['x-vigie-permission']).toBe('models:approve');
    expect(approval.responses['409']).toMatchObject(problemResponse(409, 'version-already-decided'));
    const body = schemaAt(
      '/v1/models/{model}/versions/{version}/approval',
      'post',
      'requestBody',
      'content',
      'application/json',
      'schema',
    );
    expect(body({ decision: 'approved', approver: 'Jane Reviewer' })).toBe(true);
    expect(body({ decision: 'maybe', approver: 'Jane Reviewer' })).toBe(false);
    expect(body({ decision: 'approved', approver: 'Jane Reviewer', extra: 1 })).toBe(false);
    expect(paths['/v1/trainings/{trainingId}']!.get!.responses['404']).toMatchObject(problemResponse(404, 'not-found'));
  });

  it('describe the listing query the handler parses (cursors aside: opaque to the document)', () => {
    const list = paths['/v1/trainings']!.get!;
    const parameters = Object.fromEntries(list.parameters!.map((p) => [p.name, p]));
    expect(Object.keys(parameters).sort()).toEqual(['cursor', 'inputKey', 'limit', 'model']);
    expect(list.responses['400']).toMatchObject(problemResponse(400, 'invalid-cursor'));
    const cases: Array<Record<string, string>> = [
      { model: 'penguins' },
      { model: 'Penguins' },
      { model: 'm'.repeat(65) },
      ...['0', '1', '100', '101', '2.5'].map((limit) => ({ model: 'penguins', limit })),
      { model: 'penguins', inputKey: 'training/penguins/a.csv' },
      { model: 'penguins', inputKey: 'k'.repeat(1_025) },
    ];
    for (const values of cases) {
      const byHandler = (() => {
        try {
          parseTrainingListQuery(values);
          return true;
        } catch {
          return false;
        }
      })();
      const byDocument = Object.entries(values).every(([name, value]) =>
        ajv.validate(parameters[name]!.schema, name === 'limit' ? Number(value) : value),
      );
      expect([values, byDocument]).toEqual([values, byHandler]);
    }
  });
});
