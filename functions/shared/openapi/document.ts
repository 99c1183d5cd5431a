import * as z from 'zod/mini';
import '../zod-messages';
import type { ModelMetadata } from '../model-spec';
import { KEY_PROBLEMS, SERVER_PROBLEMS, mergeProblems, type ProblemCodes } from './problems';
import { modelPredictRoute } from './model-schemas';
import { problemSchema } from './responses';
import { ROUTES, type Content, type Permission, type RouteDoc } from './routes';

const STATUS_TEXT: Record<number, string> = {
  400: 'The request cannot succeed as sent.',
  401: 'No valid API key.',
  403: 'The key may not do this, or the model version is not approved.',
  404: 'Nothing by that name.',
  406: 'That answer format is not available here.',
  413: 'The body or the number of rows is over the limit.',
  415: 'The body’s media type is not one this route takes.',
  500: 'The platform failed; the detail is in its logs.',
  503: 'A service the route needs did not answer; retrying may help.',
};

const PERMISSION_TEXT: Record<Permission, string> = {
  none: 'No key needed.',
  'any-key': 'Any valid API key.',
  model: 'An API key allowed for this model (`models` of the key, or `*`).',
  'subject-rights': 'An API key with the subject-rights permission (the data-protection officer’s).',
};

const isZod = (schema: unknown): schema is z.ZodMiniType => typeof schema === 'object' && schema !== null && '_zod' in schema;

/** zod 4's JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), as a request takes it or an answer gives it. */
function jsonSchema(schema: z.ZodMiniType | Record<string, unknown>, io: 'input' | 'output'): Record<string, unknown> {
  if (!isZod(schema)) return schema;
  const converted: Record<string, unknown> = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  // The document's dialect is set once by OpenAPI 3.1; a `$schema` per body would only repeat it.
  delete converted.$schema;
  return converted;
}

const content = (body: Content, io: 'input' | 'output') =>
  Object.fromEntries(Object.entries(body).map(([mediaType, schema]) => [mediaType, { schema: jsonSchema(schema, io) }]));

function problemResponses(codes: ProblemCodes) {
  return Object.fromEntries(
    Object.entries(codes).map(([status, list]) => [
      status,
      {
        description: `${STATUS_TEXT[Number(status)] ?? 'Refused.'} Codes: ${(list ?? []).map((code) => `\`${code}\``).join(', ')}.`,
        content: {
          'application/problem+json': {
            schema: {
              allOf: [
                { $ref: '#/components/schemas/Problem' },
                { properties: { status: { const: Number(status) }, code: { enum: list } } },
              ],
            },
          },
        },
      },
    ]),
  );
}

function operation(route: RouteDoc) {
  const keyed = route.permission !== 'none';
  const problems = mergeProblems(keyed ? KEY_PROBLEMS : {}, route.problems, SERVER_PROBLEMS);
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, `**Permission:** ${PERMISSION_TEXT[route.permission]}`].filter(Boolean).join('\n\n'),
    tags: [route.tag],
    'x-vigie-permission': route.permission,
    security: keyed ? [{ apiKey: [] }] : [],
    ...(route.parameters && {
      parameters: route.parameters.map(({ schema, ...parameter }) => ({
        ...parameter,
        schema: schema ? jsonSchema(schema, 'input') : { type: 'string' },
      })),
    }),
    ...(route.requestBody && {
      requestBody: {
        required: route.requestBody.required,
        ...(route.requestBody.description && { description: route.requestBody.description }),
        content: content(route.requestBody.content, 'input'),
      },
    }),
    responses: {
      ...Object.fromEntries(
        Object.entries(route.responses).map(([status, answer]) => [
          status,
          {
            description: answer.description,
            ...(answer.headers && {
              headers: Object.fromEntries(
                Object.entries(answer.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
              ),
            }),
            ...(answer.content && { content: content(answer.content, 'output') }),
          },
        ]),
      ),
      ...problemResponses(problems),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the API: ROUTES, plus one predict path per served model made from its metadata.
 * Built at request time from the registry the function serves, so it shows the models actually deployed.
 */
export function openApiDocument(models: ModelMetadata[]) {
  const routes = [...ROUTES, ...models.map(modelPredictRoute)];
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigie',
      version: '1',
      description:
        'Serverless ML inference: every prediction recorded and auditable. Errors are RFC 9457 problem+json with a ' +
        'stable `code`. Type a key in **Authorize** to try the routes.',
    },
    servers: [{ url: '/', description: 'this deployment' }],
    tags: [
      { name: 'Platform', description: 'Health and this document (no key).' },
      { name: 'Models', description: 'The registry.' },
      { name: 'Predict', description: 'One path for any model, then one per served model with its own schemas.' },
      { name: 'Predictions', description: 'Stored records.' },
      { name: 'Data subjects', description: 'GDPR rights.' },
    ],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'Created with `npm run keys`.' },
      },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
