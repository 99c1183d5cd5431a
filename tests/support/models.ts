import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelMetadata } from '../../functions/serving/model-spec';
import type { SplitRule } from '../../scripts/samples/mnist';

export const MODELS_DIR = join(process.cwd(), 'models');

/** A digits version's metadata; by default the one served (the newest approved). */
export function digitsMetadata(version = '1.1.0'): ModelMetadata & { training: { data: { split: SplitRule } } } {
  return JSON.parse(readFileSync(join(MODELS_DIR, 'digits', version, 'metadata.json'), 'utf8'));
}
