// CloudWatch Logs Insights saved queries as infrastructure: one AWS::Logs::QueryDefinition per file in
// governance/queries/. The files are the only copy of each query; `vigie audit` runs the same text locally.
// CommonJS because osls `require()`s the files it resolves with ${file(...)}.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const QUERIES_DIR = join(__dirname, '..', 'governance', 'queries');
const EXTENSION = '.insights';

/** @returns {{ name: string, queryString: string }[]} every saved query, by file name. */
function savedQueries() {
  return readdirSync(QUERIES_DIR)
    .filter((file) => file.endsWith(EXTENSION))
    .sort()
    .map((file) => ({
      name: file.slice(0, -EXTENSION.length),
      queryString: readFileSync(join(QUERIES_DIR, file), 'utf8'),
    }));
}

/** serverless' logical id of a function's log group: `preprocess` → `PreprocessLogGroup`. */
const logGroupId = (functionName) =>
  `${functionName[0].toUpperCase()}${functionName.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LogGroup`;

/** Resolved by `${file(infra/queries.cjs)}` in serverless.yml: the saved queries over every function's logs. */
async function queryResources({ resolveConfigurationProperty }) {
  const functions = Object.keys((await resolveConfigurationProperty(['functions'])) ?? {});
  const stage = await resolveConfigurationProperty(['provider', 'stage']);
  const resources = {};
  for (const query of savedQueries()) {
    const id = query.name
      .split('-')
      .map((part) => part[0].toUpperCase() + part.slice(1))
      .join('');
    resources[`${id}Query`] = {
      Type: 'AWS::Logs::QueryDefinition',
      Properties: {
        Name: `vigie-${stage}/${query.name}`,
        QueryString: query.queryString,
        LogGroupNames: functions.map((name) => ({ Ref: logGroupId(name) })),
      },
    };
  }
  return { Resources: resources };
}

module.exports = queryResources;
module.exports.savedQueries = savedQueries;
