/**
 * `npm run governance` (an alias of `vigie models approve` when given `approve …`) — writes the generated
 * governance files: JSON Schemas (governance/schemas/) and model cards (governance/model-cards/), from the code's
 * schemas and each version's metadata.
 *
 * `npm run governance -- approve <model> <version> --approver "<name, role>" [--status …] [--notes "…"]` records a
 * person's review of a version (scripts/governance/approve.ts), then regenerates the cards.
 */
import { parseArgs } from 'node:util';
import { recordApproval } from './approve';
import { writeGovernanceFiles } from './generated-files';

const USAGE = `Usage: npm run governance                 regenerate the JSON Schemas and the model cards
       npm run governance -- approve <model> <version> --approver "<name, role>" [--status …] [--notes "…"]`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        approver: { type: 'string' },
        status: { type: 'string', default: 'approved' },
        notes: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
}

const { values, positionals } = parse();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

if (positionals[0] === 'approve') {
  const [, model, version] = positionals;
  if (!model || !version) fail(USAGE);
  try {
    const { approver, status, notes } = values;
    const approval = recordApproval({ model, version, approver, status, notes });
    console.log(`${model} ${version}: ${approval.status} by ${approval.approver} on ${approval.date}`);
  } catch (error) {
    fail((error as Error).message);
  }
} else if (positionals.length > 0) fail(`Unknown command '${positionals[0]}'. Commands: approve (or none, to regenerate).`);
for (const path of await writeGovernanceFiles()) console.log(`wrote ${path}`);
