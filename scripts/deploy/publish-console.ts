import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CONSOLE_FILES } from '../../functions/console/files';
import { CONSOLE_OUT } from '../build/console';

/**
 * Uploads the console to its bucket under `console/`, where CloudFront reads it (infra/console.yml). No-cache, so
 * a new build shows at the next load without an invalidation; the page last, so it never names a file not there yet.
 */
export async function publishConsole(s3: S3Client, bucket: string, from = CONSOLE_OUT): Promise<string[]> {
  const keys: string[] = [];
  for (const name of ['app.js', 'app.css', 'index.html'] as const) {
    const key = `console/${name}`;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: readFileSync(join(from, name)),
        ContentType: CONSOLE_FILES[name],
        CacheControl: 'no-cache',
      }),
    );
    keys.push(key);
  }
  return keys;
}
