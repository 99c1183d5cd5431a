import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelMetadata } from '../../functions/serving/model-spec';
import { ModelRegistry } from '../../functions/serving/registry';
import type { SplitRule } from '../../scripts/samples/mnist';

export const MODELS_DIR = join(process.cwd(), 'models');

/** The digits version served when no alias says otherwise: the newest approved one, as the registry picks it. */
export const SERVED_DIGITS = (await new ModelRegistry(MODELS_DIR).resolve('digits')).metadata.version;

/** A digits version's metadata; by default the one served (the newest approved). */
export function digitsMetadata(version = SERVED_DIGITS): ModelMetadata & { training: { data: { split: SplitRule } } } {
  return JSON.parse(readFileSync(join(MODELS_DIR, 'digits', version, 'metadata.json'), 'utf8'));
}
