/**
 * How a CSV batch may be sent through the API in parts (functions/uploads/staged-batch.ts), here so the OpenAPI
 * document states the same figures the route enforces.
 */

/** Raw bytes per part: base64-encoded in the Lambda event (4/3), 4,000,000 bytes stay under its 6 MB limit. */
export const PART_MAX_BYTES = 4_000_000;
/** 1,000 parts (4 GB): beyond what the batch function scores within its 15 minutes. */
export const MAX_PARTS = 1000;
