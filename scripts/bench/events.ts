/** The events each function is called with in the cold-start processes, built from the bench's real inputs. */
import { encodeTensor, type InferRequest } from '../../functions/serving/inference/protocol';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import type { ModelVersion } from '../../functions/serving/registry';
import type { ScratchPlatform } from '../local/scratch-platform';
import { extensionOf, mediaTypeOf } from './predict-loop';
import { uploadUntilRecorded } from './upload-to-record';
import { httpEvent, s3PutEvent } from '../samples/aws-events';
import { imageInputOf } from '../../functions/serving/model-spec';

/** What the preprocess and predict functions send to infer for these inputs. */
export async function inferEvents(model: ModelVersion, inputs: Buffer[]): Promise<InferRequest[]> {
  return Promise.all(
    inputs.map(async (bytes) => {
      const prepared = await preprocessImage(bytes, imageInputOf(model.metadata), DEFAULT_DECODE_LIMITS);
      return {
        model: model.metadata.name,
        version: model.metadata.version,
        tensor: encodeTensor(prepared.tensor),
        letterbox: prepared.letterbox,
      };
    }),
  );
}

/** POST /v1/models/<model>/predict with each input as the body. */
export function predictEvents(model: string, apiKey: string, inputs: Buffer[]) {
  return inputs.map((body) =>
    httpEvent('POST /v1/models/{model}/predict', `/v1/models/${model}/predict`, {
      headers: { 'x-api-key': apiKey, 'content-type': mediaTypeOf(body) },
      pathParameters: { model },
      body,
      origin: 'bench',
    }),
  );
}

/**
 * S3 ObjectCreated events for inputs uploaded (and already predicted once by the platform, so the platform's own
 * work is over before the cold process starts): the cold process predicts them again, as on a redelivery.
 */
export async function uploadEvents(t: ScratchPlatform, model: string, inputs: Buffer[]) {
  return Promise.all(
    inputs.map(async (body, i) => {
      const key = `incoming/${model}/bench/cold-${i}.${extensionOf(body)}`;
      await uploadUntilRecorded(t, key, body, { pollMs: 20 });
      return s3PutEvent({ bucket: t.platform.uploadsBucket, key, body, sequencer: `bench${i}` });
    }),
  );
}
