import { ConflictError } from '../platform/errors';
import { UNKNOWN_MODEL } from '../platform/model-name';
import type { ModelRegistry } from '../serving/registry';
import type { BucketModels } from './model-bucket';
import { checkModelName } from './training-request';

/**
 * Refuses a name a trained version may not take: a shipped model's (reviewed in the repository: a trained
 * `digits` would replace the image model for every client) and `unknown` (the bucket of every name outside the
 * registry, model-name.ts). Checked when a training is asked for and again when a version is decided.
 */
export async function checkTrainableName(registry: Pick<ModelRegistry, 'shippedNames'>, model: string): Promise<void> {
  checkModelName(model);
  const shipped = (await registry.shippedNames()).includes(model);
  if (model === UNKNOWN_MODEL || shipped) {
    throw new ConflictError(
      'reserved-model-name',
      shipped
        ? `'${model}' is a shipped model, reviewed in the repository; train under another name.`
        : `'${model}' is reserved for names outside the registry; train under another name.`,
    );
  }
}

/** A training may start for `model`: its name is free to train (above) and the model, if any, takes tabular input. */
export async function checkTrainable(
  registry: Pick<ModelRegistry, 'shippedNames'>,
  models: BucketModels,
  model: string,
): Promise<void> {
  await checkTrainableName(registry, model);
  await models.checkInputKind(model, 'tabular');
}
