/**
 * Writes the sample tables of docs/automl.md into docs/samples/ from node_modules (sample-tables.ts says why they
 * are shipped). Run it after vega-datasets changes: `npx tsx scripts/automl/write-samples.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_TABLES } from './sample-tables';

const SAMPLES_DIR = join('docs', 'samples');
mkdirSync(SAMPLES_DIR, { recursive: true });
for (const [file, table] of Object.entries(SAMPLE_TABLES)) {
  writeFileSync(join(SAMPLES_DIR, file), table());
  console.log(`wrote ${join(SAMPLES_DIR, file)}`);
}
