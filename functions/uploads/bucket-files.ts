import type { ObjectVersion } from '../records/erasure-ledger';

/** A file as a HEAD of it answers: what a subject's export lists, and whose `subject-id` metadata claims it. */
export interface FileHead {
  bytes: number;
  contentType?: string;
  /** Without S3's quotes; empty when the store gave none. */
  eTag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

/** One page of a listing: the keys and their Last-Modified, and where the next page starts, if there is one. */
export interface FileListing {
  files: Array<{ key: string; lastModified?: Date }>;
  next?: string;
}

/**
 * The port through which files are written, found, read and deleted in the uploads and results buckets (derived
 * files, a data subject's files); bucket-files-s3.ts is its S3 adapter.
 */
export interface BucketFiles {
  put(bucket: string, key: string, body: Uint8Array, contentType: string): Promise<void>;
  list(bucket: string, prefix: string, continuation?: string): Promise<FileListing>;
  /** Undefined when there is no such file. */
  head(bucket: string, key: string): Promise<FileHead | undefined>;
  /** The file's bytes, if it is still the version named (its ETag): undefined when it has gone or changed. */
  readIfUnchanged(file: ObjectVersion): Promise<Uint8Array | undefined>;
  /** Deletes exactly this version (functions/uploads/delete-upload.ts); false when it had gone or changed. */
  deleteIfUnchanged(file: ObjectVersion): Promise<boolean>;
  /** Deletes whatever the key holds: for derived files, which are named by their prediction and no one else's. */
  delete(bucket: string, key: string): Promise<void>;
}
