import { NoSuchKey, NotFound } from '@aws-sdk/client-s3';

/** S3's "no such object" in its two shapes: NoSuchKey from a GET, NotFound from a HEAD (which has no body). */
export const isMissingObject = (error: unknown) =>
  error instanceof NotFound ||
  error instanceof NoSuchKey ||
  ['NotFound', 'NoSuchKey'].includes((error as { name?: string }).name ?? '');

/** A conditional request (If-Match, If-None-Match, x-amz-copy-source-if-match) whose condition did not hold. */
export const isPreconditionFailed = (error: unknown) =>
  (error as { name?: string }).name === 'PreconditionFailed' ||
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412;
