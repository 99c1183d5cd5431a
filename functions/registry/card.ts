import { NotFoundError } from '../platform/errors';
import { json, text } from '../api/http/responses';
import { modelCardJson, modelCardMarkdown, type Registered } from '../training/model-card';
import { registeredModelMetadataSchema } from '../serving/model-spec';
import type { ModelRegistry } from '../serving/registry';

/**
 * GET /v1/models/{model}/versions/{version}/card: the version's model card as it stands now (its approval
 * included), rendered from its metadata by the same code that writes governance/model-cards/ for shipped versions
 * and the card files beside a trained version in the models bucket. Markdown, or the Model Card Toolkit JSON when
 * the client accepts application/json.
 */
export async function modelCard(registry: ModelRegistry, model: string, version: string, accept: string | undefined) {
  const { metadata } = await registry.inspect(model, version);
  if (!registeredModelMetadataSchema.safeParse(metadata).success) {
    throw new NotFoundError(`Version ${version} of '${model}' has no card yet: it has not been through review.`);
  }
  const registered = metadata as Registered;
  if (accept?.includes('application/json')) return json(200, modelCardJson(registered));
  return text('text/markdown; charset=utf-8', modelCardMarkdown(registered, 'Vigie (GET …/card)'));
}
