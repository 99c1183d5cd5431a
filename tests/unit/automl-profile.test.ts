import { describe, expect, it } from 'vitest';
import { profileTable } from '../../functions/training/profile';
import { readTrainingCsv } from '../../functions/training/read-csv';
import { nextVersion } from '../../functions/training/model-bucket';

const limits = { maxBytes: 1_000_000, maxRows: 1_000 };
const read = (text: string, custom = limits) => readTrainingCsv(new TextEncoder().encode(text), custom);
const profile = (text: string, target: string, task?: 'classification' | 'regression') =>
  profileTable(read(text), { target, task });

/** n rows built by `row(i)`, under `header`. */
const table = (header: string, n: number, row: (i: number) => string, eol = '\n') =>
  [header, ...Array.from({ length: n }, (_, i) => row(i))].join(eol) + eol;

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
};

describe('profiling and cleaning', () => {
  it('keeps French column names, accents and units included, whichever way the accent was typed', () => {
    // 'température' with a decomposed é (e + U+0301), as some spreadsheet exports write it; the target likewise.
    const decomposed = 'tempe\u0301rature';
    const csv = table(`${decomposed};Humidité (%);Pression (°C);région`, 40, (i) =>
      [`${(i * 0.7).toFixed(1).replace('.', ',')}`, 30 + (i % 9), 1000 + (i % 7), i % 2 ? 'Île-de-France' : 'Bretagne'].join(';'),
    );
    const { report, data } = profile(csv, 're\u0301gion');
    expect(report.columns.dropped).toEqual([]);
    expect(data.features.map((f) => f.name)).toEqual(['température', 'Humidité (%)', 'Pression (°C)']);
    expect(report.target.name).toBe('région');
  });

  const csv = table('id,const,empty,colour,size,label', 40, (i) =>
    [i + 1, 'same', '', ['red', 'blue', 'green'][i % 3], i % 5 === 0 ? '' : (i * 1.5).toFixed(1), i % 2 ? 'yes' : 'no'].join(','),
  );

  it('drops identifiers, constants and all-empty columns, and says why', () => {
    const { report, data } = profile(csv, 'label');
    expect(report.columns.dropped).toEqual([
      { name: 'id', reason: expect.stringMatching(/^identifier/) },
      { name: 'const', reason: expect.stringMatching(/^constant/) },
      { name: 'empty', reason: expect.stringMatching(/^all-empty/) },
    ]);
    expect(data.features.map((f) => [f.name, f.type, f.required])).toEqual([
      ['colour', 'category', true],
      ['size', 'number', false],
    ]);
  });

  it('reports imputations and category encodings; missing cells stay NaN for the model to impute', () => {
    const { report, data } = profile(csv, 'label');
    expect(report.imputations).toEqual([{ column: 'size', missing: 8, strategy: 'median' }]);
    expect(report.encodings[0]).toMatchObject({ column: 'colour', values: ['blue', 'green', 'red'] });
    expect(Number.isNaN(data.x[1]!)).toBe(true);
    expect(data.x[0]).toBe(2);
  });

  it('keeps the original label texts as classes', () => {
    expect(profile(csv, 'label').data.labels).toEqual(['no', 'yes']);
  });

  it('reads ; separators, decimal commas, a BOM and CRLF as batches do', () => {
    const french = '\ufeff' + table('taille;classe', 30, (i) => `${i % 7},${i % 10};${i % 3 ? 'a' : 'b'}`, '\r\n');
    const { data } = profile(french, 'classe');
    expect(data.features[0]).toMatchObject({ name: 'taille', type: 'number', range: { min: 0, max: 6.7 } });
  });

  it('drops rows without a target and counts them', () => {
    const { report } = profile(
      table('x,y', 30, (i) => `${i % 4},${i % 3 === 0 ? '' : i % 2}`),
      'y',
    );
    expect(report.rows).toMatchObject({ read: 30, used: 20, dropped: [{ reason: 'target-empty', count: 10 }] });
  });
});

describe('task detection', () => {
  it('text target: classification', () => {
    expect(
      profile(
        table('x,y', 30, (i) => `${i % 5},${i % 2 ? 'a' : 'b'}`),
        'y',
      ).data.task,
    ).toBe('classification');
  });
  it('few integer values: classification', () => {
    expect(
      profile(
        table('x,y', 30, (i) => `${i % 5},${i % 3}`),
        'y',
      ).data.task,
    ).toBe('classification');
  });
  it('many numeric values: regression', () => {
    expect(
      profile(
        table('x,y', 30, (i) => `${i % 5},${i * 0.37}`),
        'y',
      ).data.task,
    ).toBe('regression');
  });
  it('a requested task wins; regression on text is refused', () => {
    expect(
      profile(
        table('x,y', 30, (i) => `${i % 5},${i % 3}`),
        'y',
        'regression',
      ).data.task,
    ).toBe('regression');
    expect(
      failure(() =>
        profile(
          table('x,y', 30, (i) => `${i},${i % 2 ? 'a' : 'b'}`),
          'y',
          'regression',
        ),
      ),
    ).toBe('target-not-numeric');
  });
});

describe('bad training files', () => {
  const ok = table('x,y', 30, (i) => `${i % 5},${i % 2 ? 'a' : 'b'}`);
  it.each([
    ['over the size limit', () => read(ok, { maxBytes: 10, maxRows: 1000 }), 'file-too-large'],
    ['over the row limit', () => read(ok, { maxBytes: 1e6, maxRows: 10 }), 'too-many-rows'],
    ['unknown target', () => profile(ok, 'z'), 'unknown-target'],
    [
      'one class',
      () =>
        profile(
          table('x,y', 30, (i) => `${i % 5},a`),
          'y',
        ),
      'single-class',
    ],
    [
      'all-empty target',
      () =>
        profile(
          table('x,y', 30, (i) => `${i % 5},`),
          'y',
        ),
      'target-empty',
    ],
    [
      'fewer than 20 usable rows',
      () =>
        profile(
          table('x,y', 19, (i) => `${i % 5},${i % 2 ? 'a' : 'b'}`),
          'y',
        ),
      'too-few-rows',
    ],
    ['not CSV (binary)', () => read('\u0000\u0001PNG'), 'not-csv'],
    ['not CSV (one column)', () => read('just text\nmore text\n'), 'not-csv'],
    ['ragged rows', () => read('x,y\n1,a\n2\n'), 'ragged-rows'],
    ['unclosed quote', () => read('x,y\n1,"a\n'), 'invalid-csv'],
    ['empty', () => read(''), 'empty-input'],
  ])('%s', (_, run, code) => expect(failure(run)).toBe(code));
});

describe('encodings', () => {
  it('reads French Excel’s Windows-1252 export as it reads UTF-8: the same names and values', () => {
    const text = 'Île;Température (°C);Espèce\r\n' + 'Biscoe;12,5;Adélie\r\n'.repeat(3);
    const utf8 = readTrainingCsv(new TextEncoder().encode(text), limits);
    const windows1252 = readTrainingCsv(Buffer.from(text, 'latin1'), limits);
    expect(windows1252.header).toEqual(['Île', 'Température (°C)', 'Espèce']);
    expect(windows1252).toEqual(utf8);
  });
});

describe('versions', () => {
  it('starts at 1.0.0 and raises the minor of the highest', () => {
    expect(nextVersion([])).toBe('1.0.0');
    expect(nextVersion(['1.0.0', '1.3.0'])).toBe('1.4.0');
  });
});
