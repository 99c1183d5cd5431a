import { inkSegmenterOf } from '../../functions/serving/inference/ink-segmenter';
import { runModel } from '../../functions/serving/inference/run-model';
import { SessionCache } from '../../functions/serving/inference/sessions';
import type { MnistInputSpec } from '../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, preprocessImage, type Tensor } from '../../functions/serving/preprocessing';
import { ModelRegistry } from '../../functions/serving/registry';
import { finalAnswer } from '../../functions/serving/second-look';

const registry = new ModelRegistry('models');
const sessions = new SessionCache();

/**
 * A picture answered by a digits version as the prediction path answers it, in process: preprocessing with the
 * version's ink segmenter, ONNX Runtime, the second look (serving/second-look.ts). Returns the prepared input too.
 */
export async function servePage(bytes: Uint8Array, version: string) {
  const model = await registry.inspect('digits', version);
  const segment = inkSegmenterOf(model);
  const prepared = await preprocessImage(bytes, model.metadata.input as MnistInputSpec, DEFAULT_DECODE_LIMITS, segment);
  const run = async (tensor: Tensor) => (await runModel(sessions, model, tensor)).result;
  return { prepared, answer: await finalAnswer(await run(prepared.tensor), prepared, model, run) };
}
