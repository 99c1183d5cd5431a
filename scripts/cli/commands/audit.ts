/**
 * `vigie audit [query]`: runs one of the saved CloudWatch Logs Insights queries (governance/queries/, the same text
 * the stack deploys as AWS::Logs::QueryDefinition) over the local stage's function logs (.local/logs/) and prints
 * the table. Without a name it lists the queries. `--subject` takes the person's raw identifier and pseudonymises
 * it with the stage's key, as the functions do, so the raw identifier never has to be looked up anywhere.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createPseudonymiser } from '../../../functions/records/pseudonym';
import { savedQueries } from '../../../infra/queries.cjs';
import { queryDescription, runInsightsQuery } from '../../audit/insights';
import { readLogEvents } from '../../audit/log-events';
import { printTable } from '../../audit/table';
import { LOCAL_CREDENTIALS, localSettings, stateFolders } from '../../local/settings';
import { readStackResources } from '../../local/stack-resources';
import { emit } from '../output';
import { UsageError, type GlobalOptions } from '../target';

const SUBJECT_PLACEHOLDER = '$SUBJECT_PSEUDONYM';

interface AuditOptions {
  subject?: string;
  pseudonym?: string;
  logs?: string;
}

async function pseudonymOf(options: AuditOptions): Promise<string | undefined> {
  if (options.pseudonym || !options.subject) return options.pseudonym;
  const key =
    process.env.VIGIE_PSEUDONYM_KEY ||
    (await readStackResources({ ...process.env, ...LOCAL_CREDENTIALS })).functionEnvironment.VIGIE_PSEUDONYM_KEY;
  if (!key) throw new UsageError('No pseudonymisation key: set VIGIE_PSEUDONYM_KEY.');
  return createPseudonymiser(key)(options.subject);
}

async function audit(name: string | undefined, options: AuditOptions, global: GlobalOptions): Promise<void> {
  if (global.stage !== 'local') {
    throw new UsageError(
      `Stage '${global.stage}': its logs are in CloudWatch; run the saved query there (Logs Insights → Queries → vigie-${global.stage}/…).`,
    );
  }
  const queries = savedQueries();
  if (!name) {
    const listed = queries.map((query) => ({ name: query.name, description: queryDescription(query.queryString) }));
    emit(global.json, listed, () => [
      'Saved queries (governance/queries/):',
      ...listed.map((query) => `  ${query.name.padEnd(40)} ${query.description}`),
    ]);
    return;
  }
  const query = queries.find((candidate) => candidate.name === name);
  if (!query) throw new UsageError(`No saved query '${name}'. Known: ${queries.map((q) => q.name).join(', ')}`);
  let text = query.queryString;
  if (text.includes(SUBJECT_PLACEHOLDER)) {
    const pseudonym = await pseudonymOf(options);
    if (!pseudonym) throw new UsageError(`'${name}' is about one person: give --subject <their id> or --pseudonym ps_…`);
    text = text.replaceAll(SUBJECT_PLACEHOLDER, pseudonym);
  }
  const folder = resolve(options.logs ?? stateFolders(localSettings()).logs);
  const result = runInsightsQuery(text, readLogEvents(folder));
  if (global.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(`${name}: ${queryDescription(query.queryString)}\n(logs: ${folder})\n`);
  printTable(result);
  console.log(`\n${result.rows.length} row(s)`);
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description("run a saved Logs Insights query (governance/queries/) over the local stage's function logs")
    .argument('[query]', 'the saved query; without it, lists them')
    .option('--subject <id>', "the person's identifier, pseudonymised with the stage's key as the functions do")
    .option('--pseudonym <ps_…>', 'the pseudonym itself, when you have it')
    .option('--logs <folder>', 'the log folder (default: .local/logs of the local stage)')
    .addHelpText(
      'after',
      '\nExamples:\n  vigie audit\n  vigie audit predictions-by-subject --subject jeanne.martin\n  vigie audit errors-by-type --json',
    )
    .action((name: string | undefined, options: AuditOptions, command: Command) =>
      audit(name, options, command.optsWithGlobals<GlobalOptions>()),
    );
}
