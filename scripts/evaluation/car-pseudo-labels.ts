/**
 * Self-training labels for the car detector (an experiment of issue #27, measured and not kept): a served version's
 * detections on testing_images (another video, shipped without labels), through the serving path. A frame with any
 * detection between `low` and `high` is left out (a car the teacher half-sees would train as background); the
 * others keep their boxes at or above `high`, or train as car-free frames. Written as train.py's `--pseudo-labels`.
 *
 *   npx tsx scripts/evaluation/car-pseudo-labels.ts <version> <high> <low> <out.json>
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DetectionResult } from '../../functions/records/results';
import { imageInputOf } from '../../functions/serving/model-spec';
import { runModel } from '../../functions/serving/inference/run-model';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { ModelRegistry } from '../../functions/serving/registry';
import { CAR_DATASET_DIR } from './car-dataset';

const [version, high, low, out] = process.argv.slice(2);
const model = await new ModelRegistry('models').inspect('car-detector', version!);
if (model.metadata.output.kind !== 'detection') throw new Error('car-detector is not a detector');
const floor = { ...model, metadata: { ...model.metadata, output: { ...model.metadata.output, scoreThreshold: Number(low) } } };
const dir = join(CAR_DATASET_DIR, 'testing_images');
const sessions = new SessionCache();
const frames: Record<string, number[][]> = {};
let left = 0;
for (const file of readdirSync(dir).sort()) {
  const prepared = await preprocessImage(readFileSync(join(dir, file)), imageInputOf(model.metadata), DEFAULT_DECODE_LIMITS);
  const { detections } = (await runModel(sessions, floor, prepared.tensor, prepared.letterbox)).result as DetectionResult;
  if (detections.some((d) => d.score < Number(high))) left += 1;
  else frames[file] = detections.map(({ box }) => [box.xmin, box.ymin, box.xmax, box.ymax]);
}
const withCars = Object.values(frames).filter((boxes) => boxes.length > 0);
console.log(`${Object.keys(frames).length} frames kept (${withCars.length} with ${withCars.flat().length} cars), ${left} left out`);
writeFileSync(out!, JSON.stringify(frames));
