import { describe, expect, it } from 'vitest';
import { appendedNames, sniffDialect } from '../../functions/serving/tabular/csv-dialect';
import { scoreCsv, type ScoreChunk } from '../../functions/serving/tabular/csv-score';
import type { TabularInputSpec } from '../../functions/serving/tabular/spec';

/** CSV as people export it, through csv-parse and the spec, with a scorer that echoes the first feature. */
const spec: TabularInputSpec = {
  kind: 'tabular',
  tensorName: 'x',
  dtype: 'float32',
  features: [
    { name: 'a', type: 'number', required: true, range: { min: 0, max: 100 } },
    { name: 'b', type: 'integer', required: true },
  ],
};

/** A regressor whose value is feature a + 1000 × feature b: each answer shows which row's values it got. */
function echo(calls: number[] = []): ScoreChunk {
  return async (tensor) => {
    const rows = tensor.dims[0]!;
    calls.push(rows);
    const results = Array.from({ length: rows }, (_, i) => ({ value: tensor.data[i * 2]! + 1000 * tensor.data[i * 2 + 1]! }));
    return { results, inferenceMs: 0 };
  };
}

async function score(csv: string | string[], chunkRows = 1000, calls: number[] = []) {
  let text = '';
  const summary = await scoreCsv(
    Array.isArray(csv) ? csv : [csv],
    spec,
    echo(calls),
    { header: (line) => void (text += line), rows: (_, lines) => void (text += lines.join('')) },
    { chunkRows },
  );
  return { text, summary };
}

describe('CSV dialects', () => {
  it.each([
    ['comma, point, LF', 'a,b\n1.5,2\n', { separator: ',', decimalMark: '.', lineEnding: '\n', bom: false }],
    [
      'semicolon, decimal comma, CRLF, BOM',
      '\uFEFFa;b\r\n1,5;2\r\n',
      { separator: ';', decimalMark: ',', lineEnding: '\r\n', bom: true },
    ],
    ['semicolon with points', 'a;b\n1.5;2\n', { separator: ';', decimalMark: '.', lineEnding: '\n', bom: false }],
    [
      'quoted header holding the other separator',
      '"x;y",a,b\n1,2,3\n',
      { separator: ',', decimalMark: '.', lineEnding: '\n', bom: false },
    ],
  ])('sniffs %s', (_, head, dialect) => {
    expect(sniffDialect(head)).toEqual(dialect);
  });

  it('writes the answer in the input dialect: separator, decimal mark, line ending, BOM, quoting', async () => {
    const { text } = await score('\uFEFFa;b;note\r\n1,5;2;"un; deux"\r\n"2,25";3;"il dit ""oui"""\r\n');
    expect(text).toBe(
      '\uFEFFa;b;note;prediction;score;error\r\n' + '1,5;2;"un; deux";2001,5;;\r\n' + '"2,25";3;"il dit ""oui""";3002,25;;\r\n',
    );
  });

  it('reads a comma-separated file with quoted decimal commas and a last line without a break', async () => {
    const { text } = await score('a,b\n"1,5",2\n3.25,4');
    expect(text).toBe('a,b,prediction,score,error\n"1,5",2,2001.5,,\n3.25,4,4003.25,,\n');
  });

  it('prefixes appended names the input already uses', () => {
    expect(appendedNames(['prediction', 'vigie_prediction', 'score'])).toEqual([
      'vigie_vigie_prediction',
      'vigie_score',
      'error',
    ]);
  });

  it('gives a bad row its error and scores the others; a short row says so', async () => {
    const { text, summary } = await score('a,b,c\n1,2,x\nNaN,2,x\n3,2.5,x\n,4,x\n5,6\n7,8,x\n');
    expect(text.split('\n')).toEqual([
      'a,b,c,prediction,score,error',
      '1,2,x,2001,,',
      'NaN,2,x,,,a: must be a finite number (not NaN or infinite)',
      '3,2.5,x,,,"b: expected an integer, got 2.5"',
      ',4,x,,,a: is missing',
      '5,6,,,"the row has 2 fields, the header 3"',
      '7,8,x,8007,,',
      '',
    ]);
    expect(summary).toMatchObject({ rows: 6, succeededRows: 2, rejectedRows: 4 });
    expect(summary.rejectedByReason).toEqual({ 'non-finite': 1, 'not-an-integer': 1, missing: 1, 'field-count': 1 });
  });

  it('matches accented headers to the spec in Unicode NFC, and writes the header back as it came', async () => {
    const french: TabularInputSpec = { ...spec, features: [{ name: 'température', type: 'number', required: true }] };
    let text = '';
    const summary = await scoreCsv(
      ['tempe\u0301rature;lieu\n21,5;Lyon\n'],
      french,
      async (tensor) => ({ results: [{ value: tensor.data[0]! }], inferenceMs: 0 }),
      { header: (line) => void (text += line), rows: (_, lines) => void (text += lines.join('')) },
      { chunkRows: 10 },
    );
    expect(summary.succeededRows).toBe(1);
    expect(text).toBe('tempe\u0301rature;lieu;prediction;score;error\n21,5;Lyon;21,5;;\n');
  });

  it('reads French Excel’s Windows-1252 CSV, accents split across chunks included, and answers in UTF-8 with a BOM', async () => {
    const french: TabularInputSpec = {
      ...spec,
      features: [
        { name: 'Température (°C)', type: 'number', required: true },
        { name: 'Île', type: 'category', values: ['Dream', 'Île Torgersen'], required: true },
      ],
    };
    // What « CSV (séparateur : point-virgule) » writes: one byte per accented letter (é = 0xE9, ° = 0xB0, Î = 0xCE).
    // € and Œ are 0x80 and 0x8C there, not latin-1: written in as bytes.
    const latin = Buffer.from('Température (°C);Île;#uvre\r\n21,5;Île Torgersen;$ 3\r\n', 'latin1').map((byte) =>
      byte === 0x23 ? 0x8c : byte === 0x24 ? 0x80 : byte,
    );
    let text = '';
    const summary = await scoreCsv(
      // Cut inside the file, as an S3 stream may be: the decoder, not the chunks, decides where characters end.
      [latin.subarray(0, 3), latin.subarray(3, 30), latin.subarray(30)],
      french,
      async (tensor) => ({ results: [{ value: tensor.data[0]! + 100 * tensor.data[1]! }], inferenceMs: 0 }),
      { header: (line) => void (text += line), rows: (_, lines) => void (text += lines.join('')) },
      { chunkRows: 10 },
    );
    expect(summary).toMatchObject({ encoding: 'windows-1252', succeededRows: 1 });
    expect(text).toBe('\uFEFFTempérature (°C);Île;Œuvre;prediction;score;error\r\n21,5;Île Torgersen;€ 3;121,5;;\r\n');
  });

  it('refuses a file without the required columns, naming them all', async () => {
    await expect(score('x;y\n1;2\n')).rejects.toMatchObject({
      code: 'missing-columns',
      extensions: {
        errors: [
          { field: 'a', message: 'required column is missing from the header' },
          { field: 'b', message: 'required column is missing from the header' },
        ],
      },
    });
  });

  it('refuses a file naming a column the model reads twice, and carries other repeated columns through (#20.18)', async () => {
    await expect(score('a,b,a\n1,2,3\n')).rejects.toMatchObject({
      code: 'duplicate-columns',
      extensions: { errors: [{ field: 'a', message: 'the header names this column 2 times' }] },
    });
    await expect(score('a, a ,b\n1,2,3\n')).rejects.toMatchObject({ code: 'duplicate-columns' });
    const { text } = await score('a,b,note,note,,\n1,2,x,y,,\n');
    expect(text.split('\n')[1]).toMatch(/^1,2,x,y,,,/);
  });

  it('gives a cell beyond ±2^53 or float32 its row error, code too-large (#20.6)', async () => {
    const { text, summary } = await score('a,b\n9007199254740993,1\n3.5e38,1\n-1e16,1\n1,2\n');
    expect(summary).toMatchObject({ succeededRows: 1, rejectedRows: 3, rejectedByReason: { 'too-large': 3 } });
    expect(text).toContain('a: must lie within ±9007199254740991');
  });

  it('refuses an empty file and a broken quote', async () => {
    await expect(score('')).rejects.toMatchObject({ code: 'empty-input' });
    await expect(score('a,b\n"1,2\n')).rejects.toMatchObject({ code: 'invalid-csv' });
  });
});

describe('chunking and row order', () => {
  it('scores chunkRows rows per call, keeps file order across chunks and across arbitrary byte splits', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `${i % 97},${i}`);
    const csv = `a,b\n${rows.join('\n')}\n`;
    // Split the bytes at awkward places (inside numbers, at line breaks) as a network stream does.
    const pieces = csv.match(/[\s\S]{1,333}/g)!;
    const calls: number[] = [];
    const { text, summary } = await score(pieces, 1000, calls);
    expect(calls).toEqual([1000, 1000, 500]);
    expect(summary.rows).toBe(2500);
    const values = text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.split(',')[2]));
    expect(values).toEqual(rows.map((_, i) => (i % 97) + 1000 * i));
  });

  it('counts values outside the training range as warnings, still scored', async () => {
    const { summary, text } = await score('a,b\n150,1\n-1,1\n50,1\n');
    expect(summary).toMatchObject({ rows: 3, succeededRows: 3, warnings: 2 });
    expect(text).toContain('150,1,1150,,');
  });
});

describe('time series in a CSV', () => {
  // A windowed model with a time column sampled every second: what the column says comes back, rows still scored.
  const series: TabularInputSpec = {
    ...spec,
    window: { rows: 2, step: 1, timeColumn: 'datetime', samplingSeconds: 1 },
  };
  const score = async (csv: string, chunkRows: number) => {
    let text = '';
    const summary = await scoreCsv(
      [csv],
      series,
      async (tensor) => ({ results: Array.from({ length: tensor.dims[0]! }, () => ({ value: 0 })), inferenceMs: 0 }),
      { header: (line) => void (text += line), rows: (_, lines) => void (text += lines.join('')) },
      { chunkRows },
    );
    return { summary, text };
  };

  it('reports rows out of order, gaps and unreadable times at their file rows, across chunks, and scores every row', async () => {
    const csv = [
      'datetime;a;b',
      '2020-03-09 10:00:00;1;1',
      '2020-03-09 10:00:01;1;1',
      'not a time;x;1', // a bad row: not scored, not part of the series
      '2020-03-09 10:00:09;1;1', // 8 s after the previous good row: a gap
      '2020-03-09 10:00:05;1;1', // before it: out of order
      'yesterday;1;1',
      '2020-03-09 10:00:10;1;1',
    ].join('\n');
    for (const chunkRows of [2, 100]) {
      const { summary, text } = await score(`${csv}\n`, chunkRows);
      expect(summary).toMatchObject({ rows: 7, succeededRows: 6, rejectedRows: 1, timeWarningCount: 3 });
      expect(summary.timeWarnings.map(({ row, code }) => [row, code])).toEqual([
        [3, 'time-gap'],
        [4, 'time-not-increasing'],
        [5, 'time-unreadable'],
      ]);
      expect(text.split('\n')[0]).toBe('datetime;a;b;prediction;score;error');
    }
  });

  it('says nothing when the CSV has no time column', async () => {
    const { summary } = await score('a,b\n1,1\n2,2\n', 100);
    expect(summary.timeWarningCount).toBe(0);
  });
});
