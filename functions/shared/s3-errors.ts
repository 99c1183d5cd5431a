import { NoSuchKey, NotFound } from '@aws-sdk/client-s3';

/** S3's "no such object" in its two shapes: NoSuchKey from a GET, NotFound from a HEAD (which has no body). */
export const isMissingObject = (error: unknown) =>
  error instanceof NotFound ||
  error instanceof NoSuchKey ||
  ['NotFound', 'NoSuchKey'].includes((error as { name?: string }).name ?? '');
