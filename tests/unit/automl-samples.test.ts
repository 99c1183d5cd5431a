import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { profileTable } from '../../functions/training/profile';
import { readTrainingCsv } from '../../functions/training/read-csv';
import { MANCHOTS_HEADER, SAMPLE_TABLES } from '../../scripts/automl/sample-tables';

/** The sample tables docs/automl.md uses, shipped in docs/samples/ (#22): as written, copyable, and trainable. */
describe('docs/samples/', () => {
  it.each(Object.keys(SAMPLE_TABLES))('%s is byte for byte what scripts/automl/write-samples.ts writes', (file) => {
    expect(readFileSync(`docs/samples/${file}`).equals(SAMPLE_TABLES[file]!())).toBe(true);
  });

  it('copies a table whose licence allows it (CC0), as docs/samples/README.md says', () => {
    const { resources } = JSON.parse(readFileSync('node_modules/vega-datasets/datapackage.json', 'utf8')) as {
      resources: Array<{ name: string; licenses?: Array<{ name: string }> }>;
    };
    const penguins = resources.find((resource) => resource.name === 'penguins')!;
    expect(penguins.licenses?.map((licence) => licence.name)).toEqual(['CC0 1.0 Universal']);
    expect(readFileSync('docs/samples/README.md', 'utf8')).toContain('CC0 1.0');
  });

  it.each([
    ['penguins.csv', 'species', ['island', 'beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex']],
    ['manchots.csv', 'Espèce', MANCHOTS_HEADER.slice(1)],
  ])('%s is read as the guide says: target %s, every other column kept', (file, target, kept) => {
    const table = readTrainingCsv(readFileSync(`docs/samples/${file}`), DEFAULT_TRAINING_LIMITS);
    const { report } = profileTable(table, { target });
    expect(report.rows).toMatchObject({ read: 344, used: 344 });
    expect(report.columns.kept.map((column) => column.name)).toEqual(kept);
    expect(Object.keys(report.target.classes!)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  });
});
