import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { described } from './responses';

const isoTime = z.iso.datetime();
const count = z.int().check(z.gte(0));
const share = z.number().check(z.gte(0), z.lte(1));

/** A shadow's output on a production record, as a data subject's export shows it (records/shadow-outputs.ts). */
export const shadowOutputSchema = described(
  z.object({
    version: z.string(),
    modelSha256: z.optional(z.string()),
    at: isoTime,
    result: z.optional(described(z.unknown(), 'the shadow version’s answer (one picture or one row); never sent as an answer')),
    comparison: z.optional(
      z.object({
        compared: count,
        sameLabel: z.optional(count),
        scoreDifferenceSum: z.number(),
        scoreDifferences: count,
        boxes: z.optional(z.object({ production: count, shadow: count, matched: count, iouSum: z.number(), sameCount: count })),
      }),
    ),
    error: z.optional(z.object({ code: z.string() })),
    inferenceMs: z.number(),
  }),
  'what the `shadow` alias’s version answered for this request, stored after the answer (personal data when the input is)',
);

/** GET /v1/models/{model}/shadow and `vigie models shadow --json` (#23). */
export const shadowAgreementSchema = z.object({
  model: z.string(),
  window: z.object({ from: isoTime, to: isoTime }),
  shadow: z.optional(
    described(
      z.object({ version: z.string(), weight: z.optional(z.int()) }),
      'where the `shadow` alias points now, and its share',
    ),
  ),
  agreement: z.array(
    z.object({
      productionVersion: described(z.string(), 'the version that answered'),
      shadowVersion: z.string(),
      requests: described(count, 'production requests the shadow scored'),
      failed: described(count, 'of those, the ones the shadow could not answer'),
      n: described(count, 'rows (tabular) or pictures both versions answered'),
      sameLabelShare: z.optional(described(share, 'classifiers and anomaly detectors: share with the same label or flag')),
      meanScoreDifference: z.optional(
        described(
          z.number(),
          'mean |production − shadow|: probability of production’s label, score, value, or matched boxes’ score',
        ),
      ),
      meanIoU: z.optional(described(share, 'detectors: mean IoU of the boxes matched (same label, IoU ≥ 0.5)')),
      boxes: z.optional(z.object({ production: count, shadow: count, matched: count })),
      boxCountAgreement: z.optional(described(share, 'detectors: share of pictures where both found as many boxes')),
    }),
  ),
});
