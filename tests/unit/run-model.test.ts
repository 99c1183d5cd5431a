import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runModel } from '../../functions/serving/inference/run-model';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { ModelRegistry } from '../../functions/serving/registry';
import { CAR_DATASET_DIR } from '../../scripts/evaluation/car-dataset';
import { MODELS_DIR } from '../support/models';
import { imageInputOf } from '../../functions/serving/model-spec';

/**
 * runModel keeps the float input buffer of a pixel tensor for the next run; these runs on real dashcam frames
 * check that no run ever sees another run's pixels, one after the other or overlapping.
 */
const frames = ['vid_4_12000.jpg', 'vid_4_14500.jpg', 'vid_4_10020.jpg'];

describe('runModel on pixel tensors', () => {
  it('answers each frame as on its own, sequentially and when runs overlap', async () => {
    // Prepare: each frame's answer from a fresh session cache, one run per process state.
    const registry = new ModelRegistry(MODELS_DIR);
    const model = await registry.resolve('car-detector');
    const prepared = await Promise.all(
      frames.map((file) =>
        preprocessImage(
          readFileSync(join(CAR_DATASET_DIR, 'training_images', file)),
          imageInputOf(model.metadata),
          DEFAULT_DECODE_LIMITS,
        ),
      ),
    );
    const sessions = new SessionCache();
    const run = (i: number) => runModel(sessions, model, prepared[i]!.tensor, prepared[i]!.letterbox);

    // Act
    const sequential = [];
    for (const i of [0, 1, 2, 0]) sequential.push((await run(i)).result);
    const overlapping = (await Promise.all([run(2), run(1), run(0)])).map((answer) => answer.result);

    // Assess: the frames differ, and each keeps its own answer whatever ran before or beside it.
    expect(sequential[0]).not.toEqual(sequential[1]);
    expect(sequential[3]).toEqual(sequential[0]);
    expect(overlapping).toEqual([sequential[2], sequential[1], sequential[0]]);
  });
});
