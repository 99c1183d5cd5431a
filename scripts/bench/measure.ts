import { performance } from 'node:perf_hooks';
import { percentiles } from '../local/stats';

/** One measured path: every sample's latency, and the wall time the samples took together. */
export interface Run {
  samples: number[];
  seconds: number;
  /** Set when throughput was measured apart from the latency samples (e.g. a concurrent burst). */
  throughputPerSecond?: number;
}

/** Runs `task` `warmUp` times unmeasured, then `count` times one after another, timing each. */
export async function timeRuns(count: number, warmUp: number, task: (i: number) => Promise<unknown>): Promise<Run> {
  for (let i = 0; i < warmUp; i += 1) await task(count + i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const t0 = performance.now();
    await task(i);
    samples.push(performance.now() - t0);
  }
  return { samples, seconds: (performance.now() - started) / 1000 };
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
