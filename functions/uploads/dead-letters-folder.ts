import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DeadLetters, ReplayItem } from './replay';
import { uploadPredictionId } from './upload-key';

/** What the local platform keeps of a failed S3 event (scripts/local/delivery-queue.ts, `deadLetter`): no key. */
interface LocalDeadLetter {
  bucket?: string;
  keySha256?: string;
  eTag?: string;
  sequencer?: string;
  eventTime?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The model's uploads by the SHA-256 of their key: how a dead letter, which keeps no key, finds its object. */
async function keysByHash(s3: S3Client, bucket: string, model: string): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `incoming/${model}/`, ContinuationToken: token }),
    );
    for (const { Key } of page.Contents ?? []) if (Key) keys.set(sha256(Key), Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/**
 * Claims a letter with a file beside it, created only if absent (`wx`): one replay at a time holds it. A claim
 * older than the lease was left by a replay that died; it is moved aside (a rename: one taker wins) and taken anew.
 */
async function claimFile(path: string, now: Date, staleBefore: Date): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(path, now.toISOString(), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const claimed = await stat(path).catch(() => undefined);
    if (claimed && claimed.mtime >= staleBefore) return false;
    await rename(path, `${path}.stale-${randomUUID()}`).catch(() => undefined);
  }
  return false;
}

/**
 * The local platform's dead letters (`.local/dead-letters/`, written by scripts/local/platform.ts): the failed S3
 * events of the model's uploads, and the failed batch hand-overs, which keep the same fields.
 */
export function createFolderDeadLetters(folder: string, s3: S3Client, uploadsBucket: string): DeadLetters {
  return {
    async claim(model, now, staleBefore) {
      const names = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
      if (names.length === 0) return [];
      const keys = await keysByHash(s3, uploadsBucket, model);
      const items: ReplayItem[] = [];
      for (const name of names.sort()) {
        const path = join(folder, name);
        const letter = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as LocalDeadLetter;
        const key = letter.keySha256 && keys.get(letter.keySha256);
        if (!key || letter.bucket !== uploadsBucket) continue;
        const eTag = letter.eTag ?? '';
        if (!(await claimFile(`${path}.replaying`, now, staleBefore))) continue;
        items.push({
          predictionId: uploadPredictionId(uploadsBucket, key, eTag || (letter.sequencer ?? '')),
          from: 'dead-letter',
          object: {
            bucket: uploadsBucket,
            key,
            eTag,
            sequencer: letter.sequencer,
            eventTime: letter.eventTime ?? now.toISOString(),
          },
          settle: async () => {
            await rm(path, { force: true });
            await rm(`${path}.replaying`, { force: true });
          },
        });
      }
      return items;
    },
  };
}
