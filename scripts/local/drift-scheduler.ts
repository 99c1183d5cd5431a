import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** The local stage's drift function (serverless.yml `drift`). */
export const LOCAL_DRIFT_FUNCTION = 'vigie-local-drift';

export interface DriftScheduler {
  /** No more runs; resolves once the one going (if any) has ended. */
  stop(): Promise<void>;
}

/**
 * What EventBridge does in AWS (serverless.yml `schedule`), which serverless-offline does not: the drift function
 * every `everyMs`, given the time as a scheduled event gives it. Each run measures the time since the previous
 * one (functions/monitoring/drift-schedule.ts), so a late run loses no record. A failed run is said and the next
 * one comes as planned: drift must never stop the platform.
 */
export function scheduleDrift(lambda: LambdaClient, everyMs: number): DriftScheduler {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = async () => {
    try {
      const answer = await lambda.send(
        new InvokeCommand({
          FunctionName: LOCAL_DRIFT_FUNCTION,
          Payload: Buffer.from(JSON.stringify({ time: new Date().toISOString() })),
        }),
      );
      if (answer.FunctionError)
        console.error(
          `The scheduled drift run failed: ${Buffer.from(answer.Payload ?? [])
            .toString('utf8')
            .slice(0, 500)}`,
        );
    } catch (error) {
      if (!stopped) console.error(`The scheduled drift run was not started: ${String(error)}`);
    }
  };
  // One run at a time: the next is planned only once this one has ended.
  const queue = () => (running = running.then(run));
  const next = () => {
    timer = setTimeout(() => void queue().finally(() => !stopped && next()), everyMs);
    timer.unref();
  };
  next();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
