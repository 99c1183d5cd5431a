/**
 * A build that is skipped when nothing it read or wrote has changed. The integration tests start some twenty
 * platforms, and three tests package the layers: each used to rebuild everything (issue #21). A build records
 * the digest of every file and folder it read and of every file it wrote, in a stamp inside its own output
 * folder; the next build reuses the output only when every digest still matches. The output folders are under
 * the working tree, so two clones (two CI jobs on one machine) never share one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildStamp<T> {
  /** Path (relative to the working tree) → digest, for what the build read and what it wrote. */
  digests: Record<string, string>;
  /** What the build returned, handed back when it is reused. */
  result: T;
}

/**
 * A file's SHA-256, or for a folder the SHA-256 of its sorted entry names (a file added or removed there changes
 * it); `absent` when the path does not exist.
 */
function digestOf(path: string): string {
  if (!existsSync(path)) return 'absent';
  const hash = createHash('sha256');
  if (statSync(path).isDirectory()) hash.update(readdirSync(path).sort().join('\n'));
  else hash.update(readFileSync(path));
  return hash.digest('hex');
}

/** Every file under `dir`, as paths joined to it. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The result of the build that left `stampFile`, when every path it read and wrote still has the same digest. */
export function reusableBuild<T>(stampFile: string): T | undefined {
  if (!existsSync(stampFile)) return undefined;
  const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as BuildStamp<T>;
  for (const [path, digest] of Object.entries(stamp.digests)) if (digestOf(path) !== digest) return undefined;
  return stamp.result;
}

/**
 * Records a finished build: written last, so a build cut short leaves no stamp and is redone; written aside and
 * renamed into place, so a process reading it while another writes it never reads half a stamp.
 */
export function stampBuild<T>(stampFile: string, paths: Iterable<string>, result: T): void {
  const digests = Object.fromEntries([...new Set(paths)].sort().map((path) => [path, digestOf(path)]));
  const aside = `${stampFile}.${randomUUID()}.tmp`;
  writeFileSync(aside, `${JSON.stringify({ digests, result } satisfies BuildStamp<T>)}\n`);
  renameSync(aside, stampFile);
}
