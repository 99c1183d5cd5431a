/**
 * Model names arrive from callers (an HTTP path, an S3 key) and can be anything: megabytes, CR/LF, another
 * person's name. Only names the registry knows become stored data and metric dimensions; every other one is
 * counted under one bucket, so a caller cannot create records or CloudWatch dimensions (each a billed custom
 * metric) at will.
 */
export const UNKNOWN_MODEL = 'unknown';

/** What a model may be called (docs/architecture.md, D9): lowercase letters, digits and hyphens, up to 64 characters. */
export const MODEL_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

const QUOTE_LENGTH = 64;

/**
 * A caller's name, fit to quote back in a problem detail or a record's error message: printable ASCII only
 * (control characters, CR/LF and anything else shown as '?'), cut at 64 characters.
 */
export function quoteName(raw: string): string {
  const printable = raw.replace(/[^\x20-\x7e]/gu, '?');
  return printable.length > QUOTE_LENGTH ? `${printable.slice(0, QUOTE_LENGTH)}…` : printable;
}
