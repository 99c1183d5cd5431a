import { describe, expect, it } from 'vitest';
import { disagreements, inlineSampleFiles, parseSamples } from '../../functions/training/import/samples';

/** How an author's expected output is compared with Vigie's answer (functions/training/import/samples.ts). */
const car = (xmin: number, score = 0.9) => ({ label: 'car', score, box: { xmin, ymin: 10, xmax: xmin + 100, ymax: 60 } });

describe('sample answers against what their author expected', () => {
  it('agrees within the tolerance and names each disagreement', () => {
    const got = { label: '7', confidence: 0.98, probabilities: { '7': 0.98, '1': 0.02 } };
    expect(disagreements({ label: '7', probabilities: { '7': 0.975 } }, got, 0.01)).toEqual([]);
    expect(disagreements({ label: '1', probabilities: { '7': 0.9, '9': 0.1 } }, got, 0.01)).toEqual([
      "label '1' expected, Vigie answers '7' (confidence 0.98)",
      "probability of '7' 0.9 expected, Vigie gives 0.98",
      "no label '9' in the metadata's labels",
    ]);
  });

  it('takes regression values relative past 1, and says when the output has no such field', () => {
    expect(disagreements({ value: 1000 }, { value: 1005 }, 0.01)).toEqual([]);
    expect(disagreements({ value: 1000 }, { value: 1020 }, 0.01)).toEqual(['value 1000 expected, Vigie gives 1020']);
    expect(disagreements({ label: 'a' }, { value: 3 }, 0.01)).toEqual([
      "the model's output has no label (its output kind answers value)",
    ]);
  });

  it('matches boxes one to one by overlap, label and score, and counts the ones left over', () => {
    expect(disagreements({ detections: [car(0)] }, { detections: [car(2, 0.905)] }, 0.01)).toEqual([]);
    const [problem] = disagreements({ detections: [car(0)] }, { detections: [car(30)] }, 0.01);
    expect(problem).toMatch(/^no detection matches expected car at/);
    expect(disagreements({ detections: [car(0)] }, { detections: [car(0), car(300)] }, 0.01)).toEqual([
      '1 detection(s) more than expected',
    ]);
    // The same box with another score is no match: it is missing, and the one found is one too many.
    expect(disagreements({ detections: [car(0, 0.5)] }, { detections: [car(0, 0.9)] }, 0.01)).toEqual([
      expect.stringMatching(/^no detection matches expected car/),
      '1 detection(s) more than expected',
    ]);
  });

  it('reads sample files from the folder only, carrying them inline', async () => {
    const document = parseSamples({ samples: [{ file: 'a.png', expected: { label: '1' } }] });
    const inlined = await inlineSampleFiles(document, async () => new Uint8Array([1, 2, 3]));
    expect(inlined.samples[0]).toEqual({ image: 'AQID', expected: { label: '1' } });
    const escaping = parseSamples({ samples: [{ file: '../secrets.png', expected: { label: '1' } }] });
    await expect(inlineSampleFiles(escaping, async () => new Uint8Array())).rejects.toThrow('outside the samples folder');
  });
});
