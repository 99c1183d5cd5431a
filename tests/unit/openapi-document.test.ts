import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../functions/api/openapi/document';
import { committedDocument, problemResponse } from '../support/openapi';

const run = promisify(execFile);
let document: OpenApiDocument;

beforeAll(async () => {
  document = await committedDocument();
});

type Operation = {
  security: unknown[];
  'x-vigie-permission': string;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<
    string,
    { content?: Record<string, { schema: { allOf?: Array<{ properties?: { code?: { enum: string[] } } }> } }> }
  >;
};
const operations = () => Object.values(document.paths).flatMap((methods) => Object.values(methods as Record<string, Operation>));
/** The codes of every refusal, problem+json (/v1) or the protocol's `{"error"}` object (/v2). */
const documentedCodes = () =>
  new Set(
    operations().flatMap((operation) =>
      Object.values(operation.responses).flatMap((response) =>
        Object.values(response.content ?? {}).flatMap((media) => media.schema.allOf?.[1]?.properties?.code?.enum ?? []),
      ),
    ),
  );

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Refusals that never reach an HTTP client: S3 deliveries and the infer function's own protocol. */
const NOT_HTTP = new Set(['invalid-key', 'input-gone', 'input-replaced', 'invalid-infer-request', 'missing-geometry']);
describe('the OpenAPI document', () => {
  it('passes Redocly’s recommended rules, warnings counted as errors (redocly.yaml)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigie-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const result = await run('node_modules/.bin/redocly', ['lint', '--config', 'redocly.yaml', '--format', 'stylish', file]).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
    );
    expect(result.code, result.output).toBe(0);
  }, 60_000);

  it('lists every problem code the functions can answer over HTTP', () => {
    const thrown = new Set<string>();
    for (const file of sourceFiles('functions')) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/(?:InvalidInputError|TabularInputError|ConflictError)\(\s*'([a-z-]+)'/g))
        thrown.add(match[1]!);
      for (const match of source.matchAll(/readonly code = '([a-z-]+)'/g)) thrown.add(match[1]!);
    }
    expect(thrown.size).toBeGreaterThan(20);
    const documented = documentedCodes();
    expect([...thrown].filter((code) => !NOT_HTTP.has(code) && !documented.has(code))).toEqual([]);
  });

  it('puts the x-api-key scheme on every route but health and the document, with the permission each needs', () => {
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    const paths = document.paths as Record<string, Record<string, Operation>>;
    expect(paths['/v1/health']!.get!.security).toEqual([]);
    expect(paths['/v1/openapi.json']!.get!.security).toEqual([]);
    expect(paths['/v1/models/{model}/predict']!.post!).toMatchObject({
      security: [{ apiKey: [] }],
      'x-vigie-permission': 'model',
    });
    expect(paths['/v1/subjects/{subjectId}']!.delete!['x-vigie-permission']).toBe('subject-rights');
    expect(paths['/v1/predictions/{id}']!.get!.responses['401']).toMatchObject(problemResponse(401, 'unauthorized'));
    // Probes, server metadata and the document are open (a load balancer calls them); nothing else is.
    const open = Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.security.length === 0)
        .map(([method]) => `${method} ${path}`),
    );
    expect(open.sort()).toEqual([
      'get /v1/health',
      'get /v1/openapi.json',
      'get /v2',
      'get /v2/health/live',
      'get /v2/health/ready',
    ]);
  });

  it('has no tuple schema, which Spectral flags and Prism reads as "no item allowed" (issue #21)', () => {
    // Spectral and Prism are not dependencies of the repository: what they refused (a tuple's `prefixItems` with
    // `items: false`) is what is looked for here; openapi-coverage.test.ts checks with Ajv that the per-model /v2
    // schemas still take the valid requests and refuse the wrong shapes.
    const tuples = JSON.stringify(document).match(/"prefixItems"|"items":false/g) ?? [];
    expect(tuples).toEqual([]);
  });

  it('shows what each committed model takes and answers, from its metadata', () => {
    const paths = document.paths as Record<string, Record<string, Operation>>;
    const ajv = new Ajv2020({ strict: false });
    const irisBody = ajv.compile(paths['/v1/models/iris/predict']!.post!.requestBody!.content['application/json']!.schema);
    const flower = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
    expect(irisBody({ features: flower })).toBe(true);
    expect(irisBody({ rows: [flower, flower] })).toBe(true);
    expect(irisBody({ features: { ...flower, petal_widht: 0.2 } })).toBe(false);
    expect(irisBody({ features: { ...flower, sepal_length: '5.1' } })).toBe(false);
    const answer = (model: string) => JSON.stringify(paths[`/v1/models/${model}/predict`]!.post!.responses['200']);
    expect(answer('iris')).toContain('"enum":["setosa","versicolor","virginica"]');
    expect(answer('digits')).toContain('"enum":["0","1","2","3","4","5","6","7","8","9"]');
    expect(answer('car-detector')).toContain('"enum":["car"]');
    expect(answer('car-detector')).toContain('image/png');
    expect(JSON.stringify(paths['/v1/models/sensor-anomaly/predict']!.post!.requestBody)).toContain('Accelerometer1RMS');
    expect(Object.keys(paths['/v1/models/digits/predict']!.post!.requestBody!.content)).toEqual(['image/*', 'application/json']);
  });
});
