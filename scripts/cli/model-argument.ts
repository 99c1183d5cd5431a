import { MODEL_NAME, quoteName } from '../../functions/platform/model-name';
import { VERSION } from '../../functions/serving/model-spec';
import { UsageError } from './target';

/**
 * A model name as given on the command line, or a usage error: no name outside the rule can be a model, and an
 * empty one made a route that does not exist (`/v1/models//predict`, answered with serverless-offline's route list).
 */
export function modelArgument(name: string): string {
  if (!MODEL_NAME.test(name)) {
    throw new UsageError(`'${quoteName(name)}' is not a model name (lowercase letters, digits and hyphens).`);
  }
  return name;
}

/** A version number as given on the command line (major.minor.patch), or a usage error before it becomes a path. */
export function versionArgument(version: string): string {
  if (!VERSION.test(version)) throw new UsageError(`'${quoteName(version)}' is not a version (major.minor.patch, e.g. 1.0.0).`);
  return version;
}
