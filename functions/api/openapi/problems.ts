/**
 * The problem+json `code`s each route can answer, by HTTP status. The codes are those the typed errors of
 * functions/platform/errors.ts carry; tests/unit/openapi-document.test.ts checks that every code thrown in
 * functions/ is listed here, so a new refusal cannot go undocumented.
 */
export type ProblemCodes = Partial<Record<number, string[]>>;

/** Every route behind a key (functions/api/http/api-keys.ts). */
export const KEY_PROBLEMS: ProblemCodes = { 400: ['duplicate-api-key'], 401: ['unauthorized'] };

/** Anything unforeseen: logged, answered without detail (functions/api/http/problem.ts). */
export const SERVER_PROBLEMS: ProblemCodes = { 500: ['internal-error'] };

const IMAGE_INPUT = [
  'empty-input',
  'corrupt-image',
  'unsupported-image',
  'animated-image',
  'image-too-large',
  'decode-timeout',
  'no-ink',
  'tensor-shape',
  'tensor-values',
];
const ROWS_INPUT = [
  'unsupported-input',
  'invalid-features',
  'missing-columns',
  'duplicate-columns',
  'invalid-csv',
  'record-too-large',
  'empty-input',
];

export const PREDICT_PROBLEMS: ProblemCodes = {
  400: [
    'invalid-json',
    'json-too-deep',
    'invalid-body',
    'invalid-subject',
    'invalid-alias',
    ...IMAGE_INPUT,
    ...ROWS_INPUT.filter((code) => code !== 'empty-input'),
  ],
  403: ['forbidden', 'model-not-approved'],
  404: ['model-not-found', 'alias-not-found'],
  406: ['not-acceptable'],
  413: ['payload-too-large'],
  415: ['unsupported-media-type'],
  500: ['model-package-invalid'],
  503: ['inference-unavailable', 'model-disabled'],
};

/**
 * POST /v2/models/{m}[/versions/{v}]/infer (functions/oip/infer.ts): a body that is not an inference request, a
 * tensor that does not fit the model or an output it does not have, then what the model's spec refuses in the
 * input read from it (a picture, feature rows), as on /v1. No media type is checked: the body is always JSON.
 */
export const OIP_INFER_PROBLEMS: ProblemCodes = {
  400: [
    'invalid-json',
    'json-too-deep',
    'invalid-body',
    'invalid-subject',
    'invalid-tensor',
    'unknown-output',
    ...IMAGE_INPUT,
    'invalid-features',
    'invalid-alias',
  ],
  403: ['forbidden', 'model-not-approved'],
  404: ['model-not-found', 'alias-not-found'],
  413: ['payload-too-large'],
  500: ['model-package-invalid'],
  503: ['inference-unavailable', 'model-disabled'],
};

/** Merges code lists status by status, without repeats. */
export function mergeProblems(...lists: ProblemCodes[]): ProblemCodes {
  const merged: ProblemCodes = {};
  for (const list of lists) {
    for (const [status, codes] of Object.entries(list)) {
      merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...(codes ?? [])])];
    }
  }
  return merged;
}
