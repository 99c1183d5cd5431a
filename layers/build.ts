/**
 * Builds the Lambda layers from node_modules and models/:
 *   layers/build/onnxruntime/nodejs/node_modules/…  onnxruntime-node with only bin/napi-v*\/linux/x64
 *   layers/build/sharp/nodejs/node_modules/…        sharp with only the linux-x64 (glibc) libvips
 *   layers/build/models/models/<name>/<version>/    model.onnx (+ its ink segmenter or box refiner) + metadata.json, at /opt/models
 * Lambda puts /opt/nodejs/node_modules on NODE_PATH, which is how functions/platform/native/require-native.ts finds them.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder, reusableBuild, stampBuild } from '../scripts/build/build-stamp';

const ROOT = process.cwd();
const OUT = join(ROOT, 'layers', 'build');
const STAMP = join(OUT, '.build-stamp.json');

/** Every file and folder the build copied or listed, relative to ROOT: what the stamp of the build is made of. */
const read = new Set<string>([
  relative(ROOT, fileURLToPath(import.meta.url)),
  relative(ROOT, fileURLToPath(new URL('../scripts/build/build-stamp.ts', import.meta.url))),
]);

/** Dependencies a package needs only to install itself (onnxruntime-node's binary downloader). */
const INSTALL_ONLY: Record<string, string[]> = { 'onnxruntime-node': ['adm-zip', 'global-agent'] };

/** Platform packages and binary folders for anything but linux-x64 glibc are dead weight in Lambda. */
function keepPath(source: string): boolean {
  const path = relative(ROOT, source).split('\\').join('/');
  if (/onnxruntime-node\/bin\/napi-v\d+\/(darwin|win32)(\/|$)/.test(path)) return false;
  if (/onnxruntime-node\/bin\/napi-v\d+\/linux\/(?!x64)/.test(path)) return false;
  read.add(relative(ROOT, source));
  return true;
}

function packageJson(dir: string): { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** Copies a package and, recursively, its installed runtime dependencies into `target`/node_modules. */
function copyPackage(name: string, target: string, seen = new Set<string>()): void {
  if (seen.has(name)) return;
  seen.add(name);
  const source = join(ROOT, 'node_modules', name);
  if (!existsSync(source)) throw new Error(`${name} is not installed: run npm install first.`);
  cpSync(source, join(target, 'node_modules', name), { recursive: true, filter: keepPath });
  const manifest = packageJson(source);
  const skip = new Set(INSTALL_ONLY[name] ?? []);
  for (const dep of Object.keys(manifest.dependencies ?? {})) if (!skip.has(dep)) copyPackage(dep, target, seen);
  // Optional dependencies are the per-platform binaries: only the installed linux-x64 (glibc) ones matter.
  for (const dep of Object.keys(manifest.optionalDependencies ?? {})) {
    if (/linux-x64$/.test(dep) && existsSync(join(ROOT, 'node_modules', dep))) copyPackage(dep, target, seen);
  }
}

function buildModelsLayer(target: string): void {
  const models = join(ROOT, 'models');
  read.add('models');
  for (const model of readdirSync(models)) {
    const modelDir = join(models, model);
    if (!statSync(modelDir).isDirectory()) continue;
    read.add(relative(ROOT, modelDir));
    for (const version of readdirSync(modelDir).filter((dir) => /^\d+\.\d+\.\d+$/.test(dir))) {
      const versionDir = join(modelDir, version);
      const metadata = JSON.parse(readFileSync(join(versionDir, 'metadata.json'), 'utf8')) as {
        artifact: { file: string };
        input: { page?: { inkSegmenter?: { file: string } } };
        output: { boxRefiner?: { file: string } };
      };
      // The model, and the network a version may ship beside it: a digits version's ink segmenter
      // (inference/ink-segmenter.ts), a car-detector version's box refiner (inference/box-refiner.ts).
      const companions = [metadata.input.page?.inkSegmenter?.file, metadata.output.boxRefiner?.file].filter(
        (file): file is string => file !== undefined,
      );
      for (const file of ['metadata.json', metadata.artifact.file, ...companions]) {
        const destination = join(target, 'models', model, version, file);
        mkdirSync(dirname(destination), { recursive: true });
        cpSync(join(versionDir, file), destination);
        read.add(relative(ROOT, join(versionDir, file)));
      }
    }
  }
}

export function directorySize(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/**
 * Copies the layers, unless the copy left by the last build is still what it would copy (the stamp's digests of
 * every package file and model it took, and of every file under layers/build/, all unchanged).
 */
export function buildLayers(): 'built' | 'reused' {
  if (reusableBuild<true>(STAMP)) return 'reused';
  rmSync(OUT, { recursive: true, force: true });
  copyPackage('onnxruntime-node', join(OUT, 'onnxruntime', 'nodejs'));
  copyPackage('sharp', join(OUT, 'sharp', 'nodejs'));
  mkdirSync(join(OUT, 'models'), { recursive: true });
  buildModelsLayer(join(OUT, 'models'));
  stampBuild(STAMP, [...read, ...filesUnder(OUT).map((file) => relative(ROOT, file))], true);
  return 'built';
}

function main(): void {
  if (buildLayers() === 'reused') console.log('layers/build: up to date (delete it to copy again)');
  for (const layer of ['onnxruntime', 'sharp', 'models']) {
    console.log(`layers/build/${layer}  ${(directorySize(join(OUT, layer)) / 1e6).toFixed(1)} MB unzipped`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
