import { performance } from 'node:perf_hooks';
import { percentiles } from './stats';

/** One measured path: every sample's latency, and the wall time the samples took together. */
export interface Run {
  samples: number[];
  seconds: number;
  /** Set when throughput was measured apart from the latency samples (e.g. a concurrent burst). */
  throughputPerSecond?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `task` `warmUp` times unmeasured, then `count` times one after another, timing each. With `pauseMs`, each
 * timed run follows an untimed pause of that long (and the wall time leaves the pauses out): the conditions a
 * request meets when the processes it crosses sat idle while a model ran.
 */
export async function timeRuns(
  count: number,
  warmUp: number,
  task: (i: number) => Promise<unknown>,
  { pauseMs = 0 } = {},
): Promise<Run> {
  for (let i = 0; i < warmUp; i += 1) await task(count + i);
  const samples: number[] = [];
  let paused = 0;
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    if (pauseMs > 0) {
      const pauseStarted = performance.now();
      await sleep(pauseMs);
      paused += performance.now() - pauseStarted;
    }
    const t0 = performance.now();
    await task(i);
    samples.push(performance.now() - t0);
  }
  return { samples, seconds: (performance.now() - started - paused) / 1000 };
}

/**
 * Times several paths on the same inputs, taking turns input by input, so that every path sees the same moments
 * of a shared machine's load and their ratios hold even when the load moves. Each path's wall time is the sum
 * of its own samples.
 */
export async function timeInterleaved<K extends string>(
  count: number,
  warmUp: number,
  tasks: Record<K, (i: number) => Promise<unknown>>,
): Promise<Record<K, Run>> {
  const names = Object.keys(tasks) as K[];
  for (let i = 0; i < warmUp; i += 1) for (const name of names) await tasks[name](count + i);
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < count; i += 1) {
    for (const name of names) {
      const t0 = performance.now();
      await tasks[name](i);
      samples[name].push(performance.now() - t0);
    }
  }
  const total = (values: number[]) => values.reduce((a, b) => a + b, 0) / 1000;
  return Object.fromEntries(names.map((name) => [name, { samples: samples[name], seconds: total(samples[name]) }])) as Record<
    K,
    Run
  >;
}

export const throughput = (run: Run) => run.throughputPerSecond ?? run.samples.length / (run.seconds || NaN);

/**
 * The model's own cost, (a) session.run plus (b) preprocessing: what a hand-written server could not avoid.
 * Latency is the sum of the two p50s; throughput is what one worker doing both, back to back, would reach.
 */
export function floorOf(sessionRun: Run, preprocessing: Run) {
  const mean = (run: Run) => percentiles(run.samples).mean;
  return {
    p50: percentiles(sessionRun.samples).p50 + percentiles(preprocessing.samples).p50,
    throughputPerSecond: 1000 / (mean(sessionRun) + mean(preprocessing)),
  };
}

export type Floor = ReturnType<typeof floorOf>;

/** How far a path is from the floor: its p50 over the floor's p50, and its throughput as a share of the floor's. */
export function versusFloor(run: Run, floor: Floor) {
  return { latency: percentiles(run.samples).p50 / floor.p50, throughput: throughput(run) / floor.throughputPerSecond };
}
