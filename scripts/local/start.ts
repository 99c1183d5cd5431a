/**
 * `vigie start` (and `npm start`): the whole platform on this machine, no cloud account. State lives in .local/ (git-ignored), so a
 * restart keeps uploads, records and logs. Ctrl-C stops everything.
 */
import { exitNotStarted, startLocalPlatform } from './platform';
import { localSettings } from './settings';

const settings = localSettings();
console.log('Starting Vigie (local stage)…');
const platform = await startLocalPlatform(settings).catch(exitNotStarted);
const http = `http://localhost:${settings.httpPort}`;
const s3 = `http://localhost:${settings.s3Port}`;
console.log(`
Vigie is running.
  HTTP API        ${http}   (key: x-api-key: ${settings.apiKey})
  Lambda Invoke   http://localhost:${settings.lambdaPort}
  S3              ${s3}   buckets: ${platform.buckets.join(', ')}   (any credentials)
  DynamoDB        http://localhost:${settings.dynamodbPort}   tables: ${platform.tables.join(', ')}
  State and logs  ${settings.stateDir}   (one log file per function, as CloudWatch log groups)

Try it (AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=eu-west-3 for the aws CLI):
  curl ${http}/v1/health
  aws --endpoint-url ${s3} s3 cp events/samples/seven.png s3://${platform.uploadsBucket}/incoming/digits/seven.png
  aws --endpoint-url http://localhost:${settings.dynamodbPort} dynamodb scan --table-name ${platform.tables[0] ?? 'vigie-local-predictions'}
  curl -H 'x-api-key: ${settings.apiKey}' -H 'Content-Type: image/png' --data-binary @events/samples/seven.png ${http}/v1/models/digits/predict
  npx vigie predict events/samples/seven.png --model digits --subject <id>   (the same, from the command line)

Audit and GDPR (governance/README.md):
  npx vigie audit                                     the saved Logs Insights queries, run on these logs
  npx vigie audit predictions-by-subject --subject <id>
  npx vigie subjects export <id>                      (GET ${http}/v1/subjects/<id>/export)
  npx vigie subjects erase <id>                       (DELETE ${http}/v1/subjects/<id>)

Monitoring:
  npx vigie drift <model>                             drift against the baseline (${
    settings.driftEveryMinutes > 0
      ? `scheduled every ${settings.driftEveryMinutes} min, VIGIE_DRIFT_EVERY_MINUTES`
      : 'scheduled runs off'
  })

Ctrl-C to stop.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Vigie…');
  await platform.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
// A part that died for good ends `npm start` with an error, rather than a banner over a dead platform.
void platform.failed.then(async (error) => {
  if (stopping) return;
  stopping = true;
  console.error(`\nVigie stopped: ${error.message}`);
  await platform.stop();
  process.exit(1);
});
