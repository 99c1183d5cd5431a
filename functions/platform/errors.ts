import { quoteName } from './model-name';

/**
 * Typed errors of the domain. Each carries the HTTP status it maps to and a stable `code` that lands in
 * prediction records (`error.code`) and audit events, so a reason can be counted without parsing messages.
 */
export abstract class VigieError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Extension members of the problem document (RFC 9457 §3.2), such as the list of every invalid field. */
  readonly extensions?: Record<string, unknown>;
  /** A 4xx explains itself to the caller; a 5xx keeps its message for the logs only. */
  get exposeMessage(): boolean {
    return this.status < 500;
  }
}

/** The input can never succeed as sent: the record is `rejected` and the event is not retried. */
export class InvalidInputError extends VigieError {
  readonly status = 400;
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'InvalidInputError';
  }
}

/**
 * The S3 object an event named is no longer there (`input-gone`) or is no longer the one the event announced
 * (`input-replaced`): nothing can be predicted for that upload, ever, so the record is `rejected`, unretried.
 */
export class InputGoneError extends VigieError {
  readonly status = 410;
  constructor(
    readonly code: 'input-gone' | 'input-replaced',
    message: string,
  ) {
    super(message);
    this.name = 'InputGoneError';
  }
}

export class PayloadTooLargeError extends VigieError {
  readonly status = 413;
  readonly code = 'payload-too-large';
  constructor(message: string) {
    super(message);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends VigieError {
  readonly status = 415;
  readonly code = 'unsupported-media-type';
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedMediaTypeError';
  }
}

export class ModelNotFoundError extends VigieError {
  readonly status = 404;
  readonly code = 'model-not-found';
  constructor(model: string, version?: string) {
    // The names come from the caller: quoted bounded, as they end up in answers and records.
    super(
      version === undefined
        ? `No model named '${quoteName(model)}'.`
        : `Model '${quoteName(model)}' has no version '${quoteName(version)}'.`,
    );
    this.name = 'ModelNotFoundError';
  }
}

export class NotFoundError extends VigieError {
  readonly status = 404;
  readonly code = 'not-found';
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class UnauthorizedError extends VigieError {
  readonly status = 401;
  readonly code = 'unauthorized';
  constructor(message = 'A valid API key is required in the x-api-key header.') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** The model package on disk is broken (bad metadata, artifact mismatch): an operator problem, not the caller's. */
export class ModelPackageError extends VigieError {
  readonly status = 500;
  readonly code = 'model-package-invalid';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModelPackageError';
  }
}

/** The infer function could not answer (crash, timeout, throttling): the record is `failed` and may be retried. */
export class InferenceUnavailableError extends VigieError {
  readonly status = 503;
  readonly code = 'inference-unavailable';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InferenceUnavailableError';
  }
}

export function errorCode(error: unknown): string {
  return error instanceof VigieError ? error.code : 'internal-error';
}

/** A refusal that crossed a function boundary (the infer function's answer), rebuilt with its status and code. */
export class RefusedError extends VigieError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}

/** Bad input, unknown model: retrying cannot help, so the record is `rejected`. */
export function isPermanent(error: unknown): boolean {
  return error instanceof VigieError && error.status < 500;
}

export class NotAcceptableError extends VigieError {
  readonly status = 406;
  readonly code = 'not-acceptable';
  constructor(message: string) {
    super(message);
    this.name = 'NotAcceptableError';
  }
}

/** A valid key that may not do this: `forbidden`, or a more precise code (`same-person-approval`). */
export class ForbiddenError extends VigieError {
  readonly status = 403;
  constructor(
    message: string,
    readonly code: string = 'forbidden',
  ) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** A version that has not been approved (or was rejected or retired) is never served, even when asked for by name. */
export class ModelNotApprovedError extends VigieError {
  readonly status = 403;
  readonly code = 'model-not-approved';
  constructor(model: string, version: string, approvalStatus: string) {
    super(`Model '${model}' version '${version}' is not approved for serving (approval status: ${approvalStatus}).`);
    this.name = 'ModelNotApprovedError';
  }
}

/** The request is valid but the resource is not in a state that allows it (a version already decided). */
export class ConflictError extends VigieError {
  readonly status = 409;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/**
 * A model offered for import failed one of the checks that stand between a notebook and production
 * (functions/training/import/): the problem names the check (`check`) and says why, so its author knows what to fix.
 */
export class ImportRefusedError extends VigieError {
  readonly status = 422;
  readonly code = 'model-import-refused';
  override readonly extensions: Record<string, unknown>;
  constructor(
    readonly check: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(`Check '${check}' failed: ${message}`);
    this.name = 'ImportRefusedError';
    this.extensions = { check, ...details };
  }
}

/** A prediction asked for an alias the model does not have (`?alias=`, or an upload's `alias` metadata). */
export class AliasNotFoundError extends VigieError {
  readonly status = 404;
  readonly code = 'alias-not-found';
  constructor(model: string, alias: string) {
    super(`Model '${quoteName(model)}' has no alias '${quoteName(alias)}'.`);
    this.name = 'AliasNotFoundError';
  }
}

/**
 * The model's kill switch is on (`POST /v1/models/{model}/disable`): every path refuses it until it is enabled.
 * A 503, so an upload's record is `failed` (held, not quarantined: nothing is lost), and its message is shown,
 * since it is an operator's decision, not an internal failure.
 */
export class ModelDisabledError extends VigieError {
  readonly status = 503;
  readonly code = 'model-disabled';
  constructor(model: string) {
    super(`Model '${quoteName(model)}' is disabled by its operators; it answers again once enabled.`);
    this.name = 'ModelDisabledError';
  }
  override get exposeMessage(): boolean {
    return true;
  }
}
