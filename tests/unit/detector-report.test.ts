import { describe, expect, it } from 'vitest';
import { detectorComparison, type DetectorFigures } from '../../scripts/evaluation/detector-report';

/** Figures shaped as evaluateDetector's, every AP `ap` and the rest as given. */
function figures(ap: number, mAP50to95: number, endToEndMsMedian: number): DetectorFigures {
  return {
    mAP50: 0.9,
    mAP50to95,
    apByIoU: [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95].map((t) => [t, ap] as [number, number]),
    bySize: [],
    precision: 0.935,
    recall: 0.857,
    scoreThreshold: 0.392,
    images: 130,
    boxes: 84,
    inferenceMsMedian: 11.7,
    endToEndMsMedian,
  } as unknown as DetectorFigures;
}

describe('detectorComparison (vigie eval car-detector <version> --against <other>)', () => {
  const lines = detectorComparison(figures(0.5, 0.525, 19.4), figures(0.6, 0.552, 21.1), ['1.1.0', '1.2.0']);

  it('heads the two columns with the versions, the one compared against first', () => {
    expect(lines[0]).toMatch(/^\s+1\.1\.0\s+1\.2\.0$/);
  });

  it('prints every IoU of the COCO protocol, then the means, precision, recall and times, each version in its column', () => {
    expect(lines.filter((line) => line.startsWith('AP at IoU'))).toHaveLength(10);
    expect(lines).toContain(`${'AP at IoU 0.75'.padEnd(22)}${'0.500'.padStart(10)}${'0.600'.padStart(10)}`);
    expect(lines).toContain(`${'mAP@0.5:0.95 (COCO)'.padEnd(22)}${'0.525'.padStart(10)}${'0.552'.padStart(10)}`);
    expect(lines).toContain(`${'frame, end to end (ms)'.padEnd(22)}${'19.4'.padStart(10)}${'21.1'.padStart(10)}`);
    expect(lines.at(-1)).toContain('130 validation frames, 84 boxes');
  });
});
