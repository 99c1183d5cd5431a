import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { auditEventSchema } from '../../functions/records/audit';
import { registeredModelMetadataSchema, type ModelMetadata } from '../../functions/serving/model-spec';
import { ModelRegistry } from '../../functions/serving/registry';
import { modelCardJson, modelCardMarkdown } from '../../functions/training/model-card';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const schemaFile = (title: string, schema: z.ZodMiniType) =>
  json({ title, ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) });

/**
 * Every governance file that is derived from code or metadata, as path → content: the JSON Schemas (from the
 * zod schemas the code validates with) and one model card per registered version (Markdown and JSON).
 * `npm run governance` writes them; a test fails when a committed one differs from what this produces.
 */
export async function governanceFiles(modelsDir = 'models'): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set(
    'governance/schemas/model-metadata.schema.json',
    schemaFile('Vigie model version metadata (models/<name>/<version>/metadata.json)', registeredModelMetadataSchema),
  );
  files.set(
    'governance/schemas/audit-event.schema.json',
    schemaFile('Vigie audit event (the audit field of a log line)', auditEventSchema),
  );
  const registry = new ModelRegistry(modelsDir);
  for (const name of await registry.modelNames()) {
    for (const version of await registry.versions(name)) {
      const { metadata } = await registry.inspect(name, version);
      const registered = registeredModelMetadataSchema.safeParse(metadata);
      // An unreviewed package gets its card when it is reviewed (`npm run governance -- approve`).
      if (!registered.success) continue;
      const m = metadata as ModelMetadata & { governance: NonNullable<ModelMetadata['governance']> };
      files.set(`governance/model-cards/${name}-${version}.md`, modelCardMarkdown(m));
      files.set(`governance/model-cards/${name}-${version}.json`, json(modelCardJson(m)));
    }
  }
  return files;
}

/** Writes every generated governance file (after an approval, or when a schema changed); returns their paths. */
export async function writeGovernanceFiles(modelsDir = 'models'): Promise<string[]> {
  const written: string[] = [];
  for (const [path, content] of await governanceFiles(modelsDir)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(path);
  }
  return written;
}
