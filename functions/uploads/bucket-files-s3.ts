import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isMissingObject } from '../platform/s3-errors';
import type { BucketFiles } from './bucket-files';
import { deleteUpload } from './delete-upload';

const unquoted = (eTag: string | undefined) => (eTag ?? '').replace(/"/g, '');

/** The buckets' files through S3 (or the local s3rver). */
export function createBucketFiles(s3: S3Client): BucketFiles {
  return {
    async put(bucket, key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async list(bucket, prefix, continuation) {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuation }));
      return {
        // S3 always names the key; the SDK's types make every field optional.
        files: (page.Contents ?? []).flatMap(({ Key, LastModified }) => (Key ? [{ key: Key, lastModified: LastModified }] : [])),
        next: page.IsTruncated ? page.NextContinuationToken : undefined,
      };
    },
    async head(bucket, key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          bytes: head.ContentLength ?? 0,
          contentType: head.ContentType,
          eTag: unquoted(head.ETag),
          lastModified: head.LastModified ?? new Date(0),
          metadata: head.Metadata ?? {},
        };
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    },
    async readIfUnchanged({ bucket, key, eTag }) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (unquoted(object.ETag) === eTag) return await object.Body?.transformToByteArray();
        // Not read: a changed file's bytes are someone else's.
        await object.Body?.transformToWebStream().cancel();
        return undefined;
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    },
    deleteIfUnchanged: (file) => deleteUpload(s3, file),
    async delete(bucket, key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
