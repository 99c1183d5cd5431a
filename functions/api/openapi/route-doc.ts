import type * as z from 'zod/mini';
import type { ProblemCodes } from './problems';

/**
 * Who may call a route: anyone; any valid key; a key allowed for the model named (or, for a record or a training,
 * the model it is about); a key with the subject-rights permission; a key allowed for the model that also holds
 * the named `models:approve` permission (functions/api/http/api-keys.ts).
 */
export type Permission =
  'none' | 'any-key' | 'model' | 'subject-rights' | 'models:approve' | 'models:import' | 'models:manage' | 'predictions:read';

/** A body per media type: a zod schema, or a JSON Schema where zod has nothing to say (bytes). */
export type Content = Record<string, z.ZodMiniType | Record<string, unknown>>;

/**
 * How a route refuses: RFC 9457 problem+json (every /v1 route), or the same with the Open Inference Protocol's
 * `error` member (every /v2 route, functions/api/oip/oip-handler.ts).
 */
export type ErrorStyle = 'problem' | 'oip';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path template, as serverless.yml declares it. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  permission: Permission;
  parameters?: Array<{
    name: string;
    in: 'path' | 'query' | 'header';
    required?: boolean;
    description: string;
    schema?: z.ZodMiniType;
  }>;
  requestBody?: { required: boolean; description?: string; content: Content };
  /** Successful answers by status (and, for probes, the 503 that says "not ready" with a body). */
  responses: Record<number, { description: string; content?: Content; headers?: Record<string, string> }>;
  /** Refusals' codes by status; the key and server ones are added from `permission`. */
  problems: ProblemCodes;
  /** `problem` when absent. */
  errors?: ErrorStyle;
}

/** A probe's answers: the same body whether ready (200) or not (503), so that a balancer reads the status. */
export const probeResponses = (schema: z.ZodMiniType, ready: string, notReady: string): RouteDoc['responses'] => ({
  200: { description: ready, content: { 'application/json': schema } },
  503: { description: notReady, content: { 'application/json': schema } },
});

/** Bytes of that media type: nothing zod validates, so a JSON Schema as OpenAPI 3.1 writes one. */
export const binary = (mediaType: string) => ({ type: 'string', contentMediaType: mediaType });

export const modelParameter = {
  name: 'model',
  in: 'path' as const,
  required: true,
  description: 'the model name (`GET /v1/models`)',
};
export const versionParameter = {
  name: 'version',
  in: 'path' as const,
  required: true,
  description: 'a version of the model (`GET /v1/models/{model}` lists them)',
};

export const subjectHeader = {
  name: 'x-subject-id',
  in: 'header' as const,
  description:
    'the person the input is about, stored pseudonymised for erasure and export: one identifier in UTF-8, without ' +
    'commas or control characters, at most 2,048 characters; read as `DELETE /v1/subjects/{subjectId}` reads it',
};

/** What every prediction answer carries, on /v1 and /v2 alike. */
export const PREDICTION_HEADERS = {
  'x-prediction-id': 'the record of this prediction (`GET /v1/predictions/{id}`)',
  'x-automated-decision': '`true`: an automated decision (GDPR Art. 22)',
};
