import { describe, expect, it } from 'vitest';
import { medianColdStart } from '../../scripts/bench/cold-start';
import { billedMs, costPerThousand } from '../../scripts/bench/cost';
import { floorOf, throughput, versusFloor, type Run } from '../../scripts/bench/measure';
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
