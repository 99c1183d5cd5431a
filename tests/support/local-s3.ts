import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3 } from '../../scripts/local/emulators';

export interface LocalS3 {
  s3: S3Client;
  /** The object's bytes as text, or undefined when there is no such object. */
  read(bucket: string, key: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

/** A port free right now, so tests running side by side (and other engineers' platforms) never collide. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The local S3 as the platform runs it (s3rver, patched), alone, on a free port and a folder of its own. */
export async function startLocalS3(buckets: string[]): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'vigie-s3-'));
  const port = await freePort();
  const server = await startS3({ port, directory, buckets });
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-3',
    forcePathStyle: true,
    credentials: { accessKeyId: 'any', secretAccessKey: 'thing' },
  });
  return {
    s3,
    read: (bucket, key) =>
      s3
        .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        .then((object) => object.Body!.transformToString())
        .catch(() => undefined),
    async stop() {
      s3.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
