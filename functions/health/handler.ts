import { inferConfigSchema, loadConfig } from '../shared/config';
import { SessionCache } from '../shared/inference/sessions';
import { apiHandler } from '../shared/http/api-handler';
import { json } from '../shared/http/responses';
import { ModelRegistry } from '../shared/registry';
import { checkModels, healthy } from '../shared/model-health';

const config = loadConfig(inferConfigSchema);
const registry = new ModelRegistry(config.MODELS_DIR);
const sessions = new SessionCache();

/** GET /v1/health — no key: load balancers and people check it. 503 when a served model cannot be loaded. */
export const handler = apiHandler().handler(async () => {
  const models = await checkModels(registry, sessions);
  const ok = healthy(models);
  return json(ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', models });
});
