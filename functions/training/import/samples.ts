import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { ImportRefusedError } from '../../platform/errors';
import type { Box, PredictionResult, RowResult } from '../../records/results';
import { iou } from '../../serving/inference/detection';

/**
 * Sample inputs with the outputs the author's own pipeline (the notebook) gave for them. The import runs them
 * through Vigie's pre- and post-processing, as the metadata describes them, and refuses the model when the answers
 * differ: this is what catches a model trained on BGR or on 0–255 pixels whose metadata says RGB and 0–1.
 * The contract is written out in docs/bring-your-own-model.md.
 */

/** Absolute, on probabilities and scores (relative past 1 for regression values); the default and the loosest. */
export const DEFAULT_TOLERANCE = 0.01;
const MAX_TOLERANCE = 0.1;
const MAX_SAMPLES = 100;
/** A detection matches the expected one when their boxes overlap this much (and label and score agree). */
const BOX_IOU = 0.9;

const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));
const boxSchema = z.object({ xmin: finite, ymin: finite, xmax: finite, ymax: finite });

const expectedSchema = z
  .object({
    label: z.optional(z.string()),
    probabilities: z.optional(z.record(z.string(), finite)),
    value: z.optional(finite),
    score: z.optional(finite),
    anomaly: z.optional(z.union([z.literal(0), z.literal(1)])),
    detections: z.optional(
      z.array(z.object({ label: z.string(), score: z.optional(finite), box: boxSchema })).check(z.maxLength(1000)),
    ),
  })
  .check(z.refine((expected) => Object.keys(expected).length > 0, 'say what the output should be'));

const sampleSchema = z
  .object({
    /** A picture, as a path relative to the samples folder (CLI and S3) or inline, base64 (HTTP). */
    file: z.optional(z.string().check(z.minLength(1))),
    image: z.optional(z.base64()),
    /** One feature row, or rows in order for time-series models (the expected output is the last row's). */
    features: z.optional(z.record(z.string(), z.unknown())),
    rows: z.optional(z.array(z.record(z.string(), z.unknown())).check(z.minLength(1), z.maxLength(10_000))),
    expected: expectedSchema,
  })
  .check(
    z.refine(
      (sample) => [sample.file ?? sample.image, sample.features, sample.rows].filter((input) => input !== undefined).length === 1,
      'give one input: file (or image), features or rows',
    ),
  );

export const samplesDocumentSchema = z.object({
  tolerance: z.optional(finite.check(z.gt(0), z.maximum(MAX_TOLERANCE))),
  samples: z.array(sampleSchema).check(z.minLength(1), z.maxLength(MAX_SAMPLES)),
});

export type SamplesDocument = z.infer<typeof samplesDocumentSchema>;
export type Sample = SamplesDocument['samples'][number];
export type Expected = Sample['expected'];

/** The samples document as sent (samples.json), refused with the paths of its problems. */
export function parseSamples(raw: unknown): SamplesDocument {
  const parsed = samplesDocumentSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.message}`);
  throw new ImportRefusedError('samples-schema', `the samples document is not valid: ${issues.join('; ')}.`);
}

/**
 * Pictures named by `file` read through `read` (the CLI's folder, the S3 door's prefix) and carried inline, as the
 * HTTP route takes them; a name that leaves the folder is refused, never read.
 */
export async function inlineSampleFiles(
  document: SamplesDocument,
  read: (file: string) => Promise<Uint8Array>,
): Promise<SamplesDocument> {
  const samples = await Promise.all(
    document.samples.map(async ({ file, ...sample }) => {
      if (file === undefined) return sample;
      if (file.split(/[\\/]/).some((part) => part === '..') || file.startsWith('/')) {
        throw new ImportRefusedError('samples-schema', `sample file '${file}' is outside the samples folder.`);
      }
      return { ...sample, image: Buffer.from(await read(file)).toString('base64') };
    }),
  );
  return { ...document, samples };
}

/** What Vigie answered for a sample, next to what was expected: a list of disagreements (empty when it agrees). */
export function disagreements(expected: Expected, got: PredictionResult | RowResult, tolerance: number): string[] {
  const found: string[] = [];
  const near = (want: number, have: number, scale = 1) => Math.abs(want - have) <= tolerance * scale;
  if ('label' in got) {
    if (expected.label !== undefined && expected.label !== got.label) {
      found.push(`label '${expected.label}' expected, Vigie answers '${got.label}' (confidence ${got.confidence})`);
    }
    for (const [label, want] of Object.entries(expected.probabilities ?? {})) {
      const have = got.probabilities[label];
      if (have === undefined) found.push(`no label '${label}' in the metadata's labels`);
      else if (!near(want, have)) found.push(`probability of '${label}' ${want} expected, Vigie gives ${have}`);
    }
  }
  if ('value' in got && expected.value !== undefined && !near(expected.value, got.value, Math.max(1, Math.abs(expected.value)))) {
    found.push(`value ${expected.value} expected, Vigie gives ${got.value}`);
  }
  if ('score' in got) {
    if (expected.score !== undefined && !near(expected.score, got.score)) {
      found.push(`score ${expected.score} expected, Vigie gives ${got.score}`);
    }
    if (expected.anomaly !== undefined && expected.anomaly !== got.anomaly) {
      found.push(`anomaly ${expected.anomaly} expected, Vigie gives ${got.anomaly}`);
    }
  }
  if ('detections' in got && expected.detections)
    found.push(...detectionDisagreements(expected.detections, got.detections, near));
  const answered = Object.keys(got);
  const unanswerable = Object.keys(expected).filter((key) => !answered.includes(key) && !(key === 'anomaly' && 'score' in got));
  if (unanswerable.length > 0)
    found.push(`the model's output has no ${unanswerable.join(', ')} (its output kind answers ${answered.join(', ')})`);
  return found;
}

type Near = (want: number, have: number) => boolean;
type Boxed = { label: string; score?: number; box: Box };

/** One to one, greedily by overlap: each expected box must find its own detection, and nothing may be left over. */
function detectionDisagreements(expected: Boxed[], got: Boxed[], near: Near): string[] {
  const left = [...got];
  const found: string[] = [];
  for (const want of expected) {
    const index = left.findIndex(
      (have) =>
        have.label === want.label &&
        iou(have.box, want.box) >= BOX_IOU &&
        (want.score === undefined || near(want.score, have.score!)),
    );
    if (index < 0) found.push(`no detection matches expected ${want.label} at ${JSON.stringify(want.box)}`);
    else left.splice(index, 1);
  }
  if (left.length > 0) found.push(`${left.length} detection(s) more than expected`);
  return found;
}
