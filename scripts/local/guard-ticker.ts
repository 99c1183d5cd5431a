import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/**
 * What stands in locally for the guard's EventBridge schedule (serverless.yml, `rate(1 minute)`): the same guard
 * function, invoked through serverless-offline every few seconds, so a failing canary is withdrawn within seconds
 * of the breach (docs/architecture.md, D25). One pass at a time: the next starts `intervalMs` after the last ends.
 */
export const GUARD_INTERVAL_MS = 5_000;

export function guardTicker(lambda: LambdaClient, functionName: string, intervalMs = GUARD_INTERVAL_MS) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  // One line per kind of failure, not one per pass: a broken guard would otherwise fill the terminal.
  let lastFailure = '';
  const report = (failure: string) => {
    if (failure && failure !== lastFailure) console.error(`The canary guard failed: ${failure.slice(0, 500)}`);
    lastFailure = failure;
  };
  const tick = () => {
    pass = lambda
      .send(new InvokeCommand({ FunctionName: functionName }))
      .then(
        (answer) => report(answer.FunctionError ? Buffer.from(answer.Payload ?? []).toString('utf8') : ''),
        (error: unknown) => report(stopped ? '' : String(error)),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  return {
    /** Once the functions answer: the first pass `intervalMs` later. */
    start() {
      timer = setTimeout(tick, intervalMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
