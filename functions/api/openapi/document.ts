import * as z from 'zod/mini';
import '../../platform/zod-messages';
import type { ModelMetadata } from '../../serving/model-spec';
import { errorResponseSchema } from '../oip/schemas';
import { KEY_PROBLEMS, SERVER_PROBLEMS, mergeProblems, type ProblemCodes } from './problems';
import { modelPredictRoute } from './model-schemas';
import { modelInferRoute } from './oip-model-schemas';
import { problemSchema } from './responses';
import type { Content, ErrorStyle, Permission, RouteDoc } from './route-doc';
import { ROUTES } from './routes';

const STATUS_TEXT: Record<number, string> = {
  400: 'The request cannot succeed as sent.',
  401: 'No valid API key.',
  403: 'The key may not do this, or the model version is not approved.',
  404: 'Nothing by that name.',
  406: 'That answer format is not available here.',
  409: 'The state of the thing forbids it (a version already decided).',
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
  'models:approve': 'An API key allowed for this model that also holds the `models:approve` permission.',
  'models:import': 'An API key allowed for this model that also holds the `models:import` permission.',
  'models:manage': 'An API key allowed for this model that also holds the `models:manage` permission.',
  'predictions:read': 'An API key allowed for this model that also holds the `predictions:read` permission.',
};

const isZod = (schema: unknown): schema is z.ZodMiniType => typeof schema === 'object' && schema !== null && '_zod' in schema;

type JsonSchema = Record<string, unknown>;

/**
 * zod 4's JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), as a request takes it or an answer gives it.
 * A recursive schema (an OIP tensor's nested `data`) comes with `$defs` that only resolve at the root of its own
 * JSON Schema: they are moved into the document's components, one per name, and the references follow them.
 */
function converter(components: Record<string, JsonSchema>) {
  return (schema: z.ZodMiniType | JsonSchema, io: 'input' | 'output'): JsonSchema => {
    if (!isZod(schema)) return schema;
    const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
    const { $defs } = converted;
    // The document's dialect is set once by OpenAPI 3.1; a `$schema` per body would only repeat it.
    delete converted.$schema;
    delete converted.$defs;
    const relocate = (value: unknown) =>
      JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
    for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const moved = relocate(definition);
      if (components[name] && JSON.stringify(components[name]) !== JSON.stringify(moved)) {
        throw new Error(`Two different schemas are named '${name}': give one of them another id.`);
      }
      components[name] = moved;
    }
    return relocate(converted);
  };
}
type Convert = ReturnType<typeof converter>;

const content = (convert: Convert, body: Content, io: 'input' | 'output') =>
  Object.fromEntries(Object.entries(body).map(([mediaType, schema]) => [mediaType, { schema: convert(schema, io) }]));

/** Each style's schema, both problem+json with their status: /v1's, or /v2's with the protocol's `error` too. */
const ERROR_BODIES: Record<ErrorStyle, { mediaType: string; schema: string; withStatus: boolean }> = {
  problem: { mediaType: 'application/problem+json', schema: 'Problem', withStatus: true },
  oip: { mediaType: 'application/problem+json', schema: 'OipError', withStatus: true },
};

function problemResponses(codes: ProblemCodes, style: ErrorStyle) {
  const body = ERROR_BODIES[style];
  return Object.fromEntries(
    Object.entries(codes).map(([status, list]) => [
      status,
      {
        description: `${STATUS_TEXT[Number(status)] ?? 'Refused.'} Codes: ${(list ?? []).map((code) => `\`${code}\``).join(', ')}.`,
        content: {
          [body.mediaType]: {
            schema: {
              allOf: [
                { $ref: `#/components/schemas/${body.schema}` },
                {
                  properties: {
                    ...(body.withStatus && { status: { const: Number(status) } }),
                    code: { enum: list },
                  },
                },
              ],
            },
          },
        },
      },
    ]),
  );
}

function operation(convert: Convert, route: RouteDoc) {
  const keyed = route.permission !== 'none';
  const problems = mergeProblems(keyed ? KEY_PROBLEMS : {}, route.problems, SERVER_PROBLEMS);
  const clash = Object.keys(route.responses).find((status) => status in problems);
  // One status, one body: an answer documented as a success cannot also be a refusal.
  if (clash) throw new Error(`${route.operationId}: status ${clash} is both an answer and a refusal.`);
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
        schema: schema ? convert(schema, 'input') : { type: 'string' },
      })),
    }),
    ...(route.requestBody && {
      requestBody: {
        required: route.requestBody.required,
        ...(route.requestBody.description && { description: route.requestBody.description }),
        content: content(convert, route.requestBody.content, 'input'),
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
            ...(answer.content && { content: content(convert, answer.content, 'output') }),
          },
        ]),
      ),
      ...problemResponses(problems, route.errors ?? 'problem'),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the API: ROUTES, plus one predict path per served model made from its metadata.
 * Built at request time from the registry the function serves, so it shows the models actually deployed.
 */
export function openApiDocument(models: ModelMetadata[]) {
  const routes = [...ROUTES, ...models.map(modelPredictRoute), ...models.map(modelInferRoute)];
  const schemas: Record<string, JsonSchema> = {};
  const convert = converter(schemas);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) paths[route.path] = { ...paths[route.path], [route.method]: operation(convert, route) };
  schemas.Problem = convert(problemSchema, 'output');
  schemas.OipError = convert(errorResponseSchema, 'output');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigie',
      version: '1',
      description:
        'Serverless ML inference: every prediction recorded and auditable. Errors are RFC 9457 problem+json ' +
        'with a stable `code`; `/v2` is the Open Inference Protocol v2 REST API, whose errors carry its ' +
        '`"error": "…"` member too. Type a key in **Authorize** to try the routes.',
    },
    servers: [{ url: '/', description: 'this deployment' }],
    tags: [
      { name: 'Platform', description: 'Health and this document (no key).' },
      { name: 'Models', description: 'The registry.' },
      { name: 'Predict', description: 'One path for any model, then one per served model with its own schemas.' },
      { name: 'Predictions', description: 'Stored records.' },
      { name: 'Data subjects', description: 'GDPR rights.' },
      { name: 'Training', description: 'Train a pending version from a CSV, then a person approves it (docs/automl.md).' },
      {
        name: 'Open Inference Protocol',
        description: 'KServe / Triton / MLServer clients: tensors in and out, one infer path per served model (docs/oip.md).',
      },
    ],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'Created with `vigie keys create`.' },
      },
      schemas,
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
