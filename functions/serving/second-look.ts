import type { PredictionResult } from '../records/results';
import { meanOfReadings, withInputDoubt } from './inference/postprocess';
import { inkSegmenterOf } from './inference/ink-segmenter';
import { imageInputOf } from './model-spec';
import { readPageAgain, type PreparedInput, type Tensor } from './preprocessing';
import type { ModelVersion } from './registry';

/**
 * The answer on a prepared picture: the model's first answer, uncertain where the input itself was doubtful
 * (withInputDoubt); then, where it is uncertain and the model's page spec asks for a second look (`page.secondLook`,
 * digits 1.5.0), the page read again its other ways from the picture already decoded, the model run on each reading,
 * and the answer their mean (meanOfReadings). Pages the first reading is sure of are read once: a second look costs
 * only where the first one doubted (issue #27: different readings break different pages; their mean is right more
 * often than any one of them on the pages in doubt). The HTTP path, S3 uploads and the evaluations all answer here.
 */
export async function finalAnswer(
  first: PredictionResult,
  prepared: PreparedInput,
  model: ModelVersion,
  run: (tensor: Tensor) => Promise<PredictionResult>,
): Promise<PredictionResult> {
  const spec = imageInputOf(model.metadata);
  const answer = withInputDoubt(first, prepared, spec.fit === 'mnist' ? spec.page?.maxInkPixels : undefined);
  // A page only the segmenter found ink on was read its one possible way (preprocessing/inkOnPage).
  if (!('label' in answer) || !answer.uncertain || !prepared.picture || prepared.inkSegmented) return answer;
  if (spec.fit !== 'mnist' || !spec.page?.secondLook) return answer;
  const others = [];
  for (const tensor of await readPageAgain(prepared.picture, spec, inkSegmenterOf(model))) {
    const result = await run(tensor);
    if ('label' in result) others.push(result);
  }
  return meanOfReadings(answer, others);
}
