/**
 * `npm run audit -- <query-name> [--subject <id> | --pseudonym ps_…] [--logs <folder>] [--json]`
 * Runs one of the saved CloudWatch Logs Insights queries (governance/queries/, the same text the stack deploys as
 * AWS::Logs::QueryDefinition) over the local stage's function logs (.local/logs/<function>.log) and prints the
 * table. Without a name it lists the queries. `--subject` takes the person's raw identifier and pseudonymises it
 * with the stage's key, as the functions do, so the raw identifier never has to be looked up anywhere.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createPseudonymiser } from '../functions/shared/pseudonym';
import { savedQueries } from '../infra/queries.cjs';
import { runInsightsQuery, queryDescription } from './audit/insights';
import { readLogEvents } from './audit/log-events';
import { printTable } from './audit/table';
import { LOCAL_CREDENTIALS, localSettings, stateFolders } from './local/settings';
import { readStackResources } from './local/stack-resources';
import { answerHelp } from './cli-usage';

answerHelp(`
Usage: npm run audit -- [<query-name>] [--subject <id> | --pseudonym ps_…] [--logs <folder>] [--json]
  Runs a saved Logs Insights query (governance/queries/) over the local stage's function logs.
  Without a name, lists the saved queries. --subject pseudonymises the person's identifier as the functions do.`);

const SUBJECT_PLACEHOLDER = '$SUBJECT_PSEUDONYM';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { subject: { type: 'string' }, pseudonym: { type: 'string' }, logs: { type: 'string' }, json: { type: 'boolean' } },
});
const queries = savedQueries();
const name = positionals[0];
if (!name) {
  console.log('Saved queries (governance/queries/):');
  for (const query of queries) console.log(`  ${query.name.padEnd(40)} ${queryDescription(query.queryString)}`);
  process.exit(0);
}
const query = queries.find((candidate) => candidate.name === name);
if (!query) {
  console.error(`No saved query '${name}'. Known: ${queries.map((q) => q.name).join(', ')}`);
  process.exit(2);
}

let text = query.queryString;
if (text.includes(SUBJECT_PLACEHOLDER)) {
  let pseudonym = values.pseudonym;
  if (!pseudonym && values.subject) {
    const key =
      process.env.VIGIE_PSEUDONYM_KEY ||
      (await readStackResources({ ...process.env, ...LOCAL_CREDENTIALS })).functionEnvironment.VIGIE_PSEUDONYM_KEY;
    if (!key) throw new Error('No pseudonymisation key: set VIGIE_PSEUDONYM_KEY.');
    pseudonym = createPseudonymiser(key)(values.subject);
  }
  if (!pseudonym) {
    console.error(`'${name}' is about one person: give --subject <their id> or --pseudonym ps_…`);
    process.exit(2);
  }
  text = text.replaceAll(SUBJECT_PLACEHOLDER, pseudonym);
}

const folder = resolve(values.logs ?? stateFolders(localSettings()).logs);
const result = runInsightsQuery(text, readLogEvents(folder));
if (values.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`${name}: ${queryDescription(query.queryString)}\n(logs: ${folder})\n`);
  printTable(result);
  console.log(`\n${result.rows.length} row(s)`);
}
