/**
 * `npm run governance` — writes the generated governance files: JSON Schemas (governance/schemas/) and model
 * cards (governance/model-cards/), from the code's schemas and each version's metadata.
 *
 * `npm run governance -- approve <model> <version> --approver "<name, role>" [--status approved|rejected|retired|pending] [--notes "…"]`
 * — records a person's review of a version: copies the model's governance facts (models/<model>/governance.json:
 * owner, intended use, personal data, factors, limitations…) into the version's metadata.json with the decision,
 * then regenerates the cards. Only `approved` versions are served.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { approvalSchema, registeredModelMetadataSchema } from '../functions/shared/model-spec';
import { governanceFiles } from './governance/generated-files';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { approver: { type: 'string' }, status: { type: 'string', default: 'approved' }, notes: { type: 'string' } },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function approve(model: string | undefined, version: string | undefined): void {
  if (!model || !version)
    fail('Usage: npm run governance -- approve <model> <version> --approver "<name, role>" [--status …] [--notes …]');
  const path = join('models', model, version, 'metadata.json');
  const metadata = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const facts = JSON.parse(readFileSync(join('models', model, 'governance.json'), 'utf8')) as Record<string, unknown>;
  const approval = approvalSchema.safeParse({
    status: values.status,
    approver: values.approver,
    date: new Date().toISOString().slice(0, 10),
    notes: values.notes,
  });
  if (!approval.success) fail(`Invalid approval: ${approval.error.issues.map((issue) => issue.message).join('; ')}`);
  const updated = { ...metadata, governance: { ...facts, approval: approval.data } };
  const checked = registeredModelMetadataSchema.safeParse(updated);
  if (!checked.success) fail(`${path} would not be a valid registered version:\n${checked.error.message}`);
  writeFileSync(path, `${JSON.stringify(updated, null, 2)}\n`);
  console.log(`${model} ${version}: ${approval.data.status} by ${approval.data.approver} on ${approval.data.date}`);
}

if (positionals[0] === 'approve') approve(positionals[1], positionals[2]);
else if (positionals.length > 0) fail(`Unknown command '${positionals[0]}'. Commands: approve (or none, to regenerate).`);
for (const [path, content] of await governanceFiles()) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  console.log(`wrote ${path}`);
}
