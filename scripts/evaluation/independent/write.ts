/**
 * `npx tsx scripts/evaluation/independent/write.ts`: writes the independent evaluation set of the digits model
 * (issue #27) under .local/digit-pages/independent/ with its manifest (generator version, seed, each page's
 * conditions). `vigie eval digits` and the accuracy test build it on first use too.
 * `--development`: the development set instead (another seed, training digits), the one preprocessing choices are
 * made on, under .local/digit-pages/independent-development/.
 */
import { INDEPENDENT_DEVELOPMENT_SET, INDEPENDENT_SET, independentSet } from './set';

const set = process.argv.includes('--development') ? INDEPENDENT_DEVELOPMENT_SET : INDEPENDENT_SET;
const manifest = await independentSet((done, total) => {
  if (done % 100 === 0 || done === total) process.stderr.write(`  ${done}/${total}\n`);
}, set);
console.log(`${manifest.pages.length} pages (generator ${manifest.version}, seed ${manifest.seed}) in ${manifest.dir}`);
