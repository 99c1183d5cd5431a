import { describe, expect, it } from 'vitest';
import { medianColdStart } from '../../scripts/bench/cold-start';
import { billedMs, costPerThousand } from '../../scripts/bench/cost';
import { goalLines } from '../../scripts/bench/goals';
import type { InProcessRuns } from '../../scripts/bench/in-process';
import { floorOf, throughput, timeRuns, versusFloor, type Run } from '../../scripts/bench/measure';
import { layerFolder } from '../../scripts/build/serverless-print';

const run = (samples: number[], seconds: number, throughputPerSecond?: number): Run => ({
  samples,
  seconds,
  throughputPerSecond,
});

describe('bench floor and ratios', () => {
  it('adds the p50s of session.run and preprocessing, and derives throughput from their means', () => {
    // Prepare
    const sessionRun = run([1, 2, 3], 0.006);
    const preprocessing = run([3, 4, 8], 0.015);

    // Act
    const floor = floorOf(sessionRun, preprocessing);

    // Assess: p50 2 + 4; means 2 + 5 = 7 ms, so 1000/7 per second.
    expect(floor.p50).toBe(6);
    expect(floor.throughputPerSecond).toBeCloseTo(1000 / 7, 6);
  });

  it('compares a path with the floor: p50 ratio and share of throughput', () => {
    const floor = { p50: 5, throughputPerSecond: 200 };
    const ratio = versusFloor(run([5, 10, 20, 30], 1), floor);
    expect(ratio.latency).toBe(2);
    expect(ratio.throughput).toBeCloseTo(4 / 200, 9);
  });

  it('prefers a throughput measured apart (a burst) over samples per second', () => {
    expect(throughput(run([10, 10], 0.5))).toBe(4);
    expect(throughput(run([10, 10], 0.5, 60))).toBe(60);
  });
});

describe('paced runs', () => {
  it('pauses before each timed run and leaves the pauses out of the samples and the wall time', async () => {
    const calls: number[] = [];
    const paced = await timeRuns(3, 1, async (i) => calls.push(i), { pauseMs: 30 });
    // The warm-up call comes first (index count + i), unpaused.
    expect(calls).toEqual([3, 0, 1, 2]);
    expect(paced.samples).toHaveLength(3);
    expect(Math.max(...paced.samples)).toBeLessThan(20);
    expect(paced.seconds).toBeLessThan(0.05);
  });
});

describe('goal lines (issue #16)', () => {
  const figures = (peerMs: number) => ({
    // (a)+(b) = 20 ms, (d) 2 ms and (dᵖ) 3 ms; (e₀) 2 ms and (e₀ᵖ) 4 ms: budgets 26 and 29 ms.
    inProcess: {
      sessionRun: run([15], 0.015),
      preprocessing: run([5], 0.005),
      handlerChain: run([21], 0.021),
      recordWrite: run([2], 0.002),
      recordWritePaced: run([3], 0.003),
    } as InProcessRuns,
    http: run([28], 1, 40),
    peer: run([peerMs], 1, 50),
    httpHop: run([2], 0.002),
    httpHopPaced: run([4], 0.004),
    predictMb: 1769,
  });

  it("keeps the issue's budget as the verdict, and reads it beside the peer and the paced hops", () => {
    const lines = goalLines(figures(25)).join('\n');
    expect(lines).toContain('HTTP p50 28.00 ms against (a)+(b)+(e₀)+(d)+2 = 26.00 ms: **not met**');
    expect(lines).toContain('the peer: 25.00 ms (within the same budget)');
    expect(lines).toContain('(a)+(b)+(e₀ᵖ)+(dᵖ)+2 = 29.00 ms (HTTP within it, the peer within)');
  });

  it('says when the peer is over the budget too', () => {
    expect(goalLines(figures(27)).join('\n')).toContain('the peer: 27.00 ms (over the same budget)');
  });
});

describe('Lambda cost', () => {
  it('stretches CPU-bound time below one vCPU (1,769 MB) and bills whole milliseconds', () => {
    expect(billedMs({ memoryMb: 1769, cpuMs: 10.2 })).toBe(11);
    expect(billedMs({ memoryMb: 3538, cpuMs: 10 })).toBe(10);
    expect(billedMs({ memoryMb: 884.5, cpuMs: 10 })).toBe(20);
    // Waiting on another function is billed as it is, whatever the memory.
    expect(billedMs({ memoryMb: 884.5, cpuMs: 10, waitMs: 30 })).toBe(50);
  });

  it('prices requests and GB-seconds per 1,000 predictions', () => {
    // 2 GB (more than one vCPU: no stretch) for 1 s: 2 GB-s at 0.0000166667, plus 0.0000002 per call.
    expect(costPerThousand([{ memoryMb: 2048, cpuMs: 1000 }])).toBeCloseTo(1000 * (2 * 0.0000166667 + 0.0000002), 9);
    // Half a vCPU takes twice as long for half the memory: the same GB-seconds.
    expect(costPerThousand([{ memoryMb: 884.5, cpuMs: 1000 }])).toBeCloseTo(
      costPerThousand([{ memoryMb: 1769, cpuMs: 1000 }]),
      9,
    );
    expect(costPerThousand([])).toBe(0);
  });
});

describe('layer references', () => {
  it('maps the framework logical id back to the layer folder', () => {
    expect(layerFolder({ Ref: 'OnnxruntimeLambdaLayer' })).toBe('onnxruntime');
    expect(layerFolder({ Ref: 'SharpLambdaLayer' })).toBe('sharp');
  });
});

describe('cold starts', () => {
  it('takes the median of each timing and the highest peak RSS', () => {
    const sample = (totalMs: number, peakRssMb: number) => ({
      bootMs: totalMs / 4,
      importMs: 1,
      firstCallMs: 2,
      totalMs,
      peakRssMb,
    });
    const median = medianColdStart([sample(400, 90), sample(200, 120), sample(300, 100)]);
    expect(median.totalMs).toBe(300);
    expect(median.bootMs).toBe(75);
    expect(median.peakRssMb).toBe(120);
    expect(medianColdStart([sample(100, 1), sample(200, 1)]).totalMs).toBe(150);
  });

  it('refuses to summarise nothing', () => {
    expect(() => medianColdStart([])).toThrow();
  });
});
