/**
 * `vigie bench`, `vigie load`, `vigie latency`: the measurement scripts, each run as it always was (its own scratch
 * platform on its own ports, which the VIGIE_*_PORT variables move as they move `vigie start`'s, its own staged
 * output), in a child process so that their figures are not disturbed by this process's modules. Their environment variables (BENCH_SCALE, LOAD_*, LATENCY_*) pass through.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Command } from 'commander';

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

function runScript(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, script], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else {
        process.exitCode = code ?? 1;
        reject(new Error(`${script} ended with ${signal ?? `exit code ${code}`}`));
      }
    });
  });
}

const MEASUREMENTS = [
  {
    name: 'bench',
    script: 'scripts/bench/main.ts',
    description: 'where the time goes, per model: session.run, sharp, handler chain, hops, cold starts, sizes',
    help: 'Starts its own platform on ports 3390/3392/4869/8390 (not beside `vigie load`; VIGIE_HTTP_PORT, VIGIE_LAMBDA_PORT, VIGIE_S3_PORT, VIGIE_DYNAMODB_PORT move them). BENCH_SCALE multiplies every count.\n\nExamples:\n  vigie bench\n  BENCH_SCALE=0.2 vigie bench',
  },
  {
    name: 'load',
    script: 'scripts/bench/load.ts',
    description: 'a bounded load test on loopback: HTTP predictions at concurrency, then S3 uploads reconciled with records',
    help: 'Starts its own platform (the same ports as `vigie bench`). LOAD_HTTP_REQUESTS, LOAD_CONCURRENCY, LOAD_UPLOADS, LOAD_BURST, LOAD_DEADLINE_S tune it.\n\nExamples:\n  vigie load\n  LOAD_HTTP_REQUESTS=200 LOAD_UPLOADS=100 vigie load',
  },
  {
    name: 'latency',
    script: 'scripts/bench/latency.ts',
    description: "the spine's two latencies on a scratch platform: HTTP predict and S3 upload → record",
    help: 'Starts its own platform on ports 3290/3292/4769/8290 (VIGIE_HTTP_PORT, VIGIE_LAMBDA_PORT, VIGIE_S3_PORT, VIGIE_DYNAMODB_PORT move them). LATENCY_HTTP_REQUESTS (200) and LATENCY_UPLOADS (50) set the counts.\n\nExample:\n  LATENCY_HTTP_REQUESTS=50 vigie latency',
  },
  {
    name: 'soak',
    script: 'scripts/bench/soak.ts',
    description: 'good and hostile traffic mixed for minutes: every upload final, no restart, memory back to its baseline',
    help: 'Starts its own platform on ports 3490/3492/4969/8490 (the VIGIE_*_PORT variables move them). SOAK_MINUTES (10), SOAK_WARMUP_MINUTES (1), SOAK_HTTP_CONCURRENCY (4), SOAK_BATCH_EVERY_S (5), SOAK_TRAINING_EVERY_S (60), SOAK_SETTLE_S (130), SOAK_MEMORY_SLACK (1.3) tune it. Exits 1 when the platform did not hold.\n\nExamples:\n  vigie soak\n  SOAK_MINUTES=1 vigie soak',
  },
];

export function registerMeasurements(program: Command): void {
  for (const { name, script, description, help } of MEASUREMENTS) {
    program
      .command(name)
      .description(description)
      .addHelpText('after', `\nRuns ${script} on this machine; --stage and --endpoint do not apply.\n${help}`)
      .action(() => runScript(script));
  }
}
