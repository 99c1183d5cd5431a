import { expect } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument, type OpenApiDocument } from '../../functions/api/openapi/document';
import { servedModels } from '../../functions/api/openapi/served-models';
import { ModelRegistry } from '../../functions/serving/registry';
import { MODELS_DIR } from './models';

/** The document as the docs function builds it over the committed registry. */
export async function committedDocument(): Promise<OpenApiDocument> {
  return openApiDocument(await servedModels(new ModelRegistry(MODELS_DIR)));
}

/** What the document says of a refusal: problem+json with its status, and `code` among the codes it lists. */
export const problemResponse = (status: number, code: string) => ({
  content: {
    'application/problem+json': {
      schema: {
        allOf: [
          { $ref: '#/components/schemas/Problem' },
          { properties: { status: { const: status }, code: { enum: expect.arrayContaining([code]) } } },
        ],
      },
    },
  },
});

export interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

const escapePointer = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks real answers against an OpenAPI document with Ajv (draft 2020-12), not with the zod schemas the document
 * was made from: what a client generated from `/v1/openapi.json` would expect. The path is matched as OpenAPI
 * says, concrete paths before templated ones. Returns readable problems; none when the answer conforms.
 */
export function contractChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  // zod writes `format: base64` beside `contentEncoding`; ajv-formats has no such format.
  ajv.addFormat('base64', /^[A-Za-z0-9+/]*={0,2}$/);
  ajv.addSchema(document as object, 'openapi');
  const templates = Object.keys(document.paths)
    .map((path) => ({ path, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) }))
    .sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));
  return (method: string, url: string, answer: Answer): string[] => {
    const pathname = new URL(url, 'http://localhost').pathname;
    const template = templates.find(({ pattern }) => pattern.test(pathname));
    if (!template) return [`${method} ${pathname} is not in the document`];
    const operation = (document.paths[template.path] as Record<string, { responses: Record<string, { content?: object }> }>)[
      method.toLowerCase()
    ];
    if (!operation) return [`${method} ${template.path} is not in the document`];
    const response = operation.responses[String(answer.status)];
    if (!response) return [`${method} ${template.path} does not document status ${answer.status}`];
    const mediaType = (answer.contentType ?? '').split(';')[0]!.trim();
    const media = response.content as Record<string, { schema: object }> | undefined;
    if (!media?.[mediaType]) return [`${method} ${template.path} ${answer.status} does not document ${mediaType || 'no body'}`];
    if (!mediaType.endsWith('json')) return [];
    const pointer = [
      'paths',
      template.path,
      method.toLowerCase(),
      'responses',
      String(answer.status),
      'content',
      mediaType,
      'schema',
    ]
      .map(escapePointer)
      .join('/');
    const validate = ajv.getSchema(`openapi#/${pointer}`);
    if (!validate) return [`no schema at ${pointer}`];
    return validate(answer.body)
      ? []
      : (validate.errors ?? []).map(
          (error) => `${method} ${template.path} ${answer.status}: ${error.instancePath || '/'} ${error.message}`,
        );
  };
}

/**
 * Checks every answer the test process fetches from `base` against the document, as the tests run: routes the
 * document does not have (the gateway's own 404s) are left out. `stop()` puts fetch back and returns the problems.
 */
export function watchAnswers(base: string, document: OpenApiDocument) {
  const check = contractChecker(document);
  const original = globalThis.fetch;
  const pending: Array<Promise<string[]>> = [];
  globalThis.fetch = async (input, init) => {
    const response = await original(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    // CORS preflights are the gateway's, not the API's.
    if (!url.startsWith(base) || method === 'OPTIONS') return response;
    const contentType = response.headers.get('content-type');
    const copy = response.clone();
    pending.push(
      copy.text().then(
        (text) => {
          let body: unknown = text;
          if (contentType?.includes('json')) {
            try {
              body = JSON.parse(text);
            } catch {
              return [`${method} ${url} ${response.status}: the body is not the JSON its content-type says`];
            }
          }
          const problems = check(method, url, { status: response.status, contentType, body });
          return problems.some((problem) => problem.endsWith('is not in the document')) ? [] : problems;
        },
        () => [],
      ), // a body the test aborted on purpose has nothing to check
    );
    return response;
  };
  return {
    async stop(): Promise<string[]> {
      globalThis.fetch = original;
      return (await Promise.all(pending)).flat();
    },
  };
}
