import { describe, expect, it } from 'vitest';
import { formatField, isFormulaLike, type CsvDialect } from '../../functions/serving/tabular/csv-dialect';
import { scoreCsv, type ScoreChunk } from '../../functions/serving/tabular/csv-score';
import type { TabularInputSpec } from '../../functions/serving/tabular/spec';

/**
 * CSV injection (issue #20.9): a label learnt from someone else's table (`=HYPERLINK(…)`), an error text or an
 * echoed input cell must never reach a spreadsheet as a formula. Numbers stay numbers.
 */
const comma: CsvDialect = { separator: ',', decimalMark: '.', lineEnding: '\n', bom: false };
const semicolon: CsvDialect = { separator: ';', decimalMark: ',', lineEnding: '\n', bom: false };

describe('the CSV cell writer', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ["+cmd|' /C calc'!A0", `'+cmd|' /C calc'!A0`],
    ['@SUM(1+1)', `'@SUM(1+1)`],
    ['-2+3', `'-2+3`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `"'\r=1+1"`],
  ])('neutralises the formula %j with a leading quote', (cell, written) => {
    expect(isFormulaLike(cell)).toBe(true);
    expect(formatField(cell, comma)).toBe(written);
  });

  it.each(['-1.5', '+3', '-1e5', '-0.25', '12', 'Adelie', 'a=b', 'x-1'])('leaves %j as it is', (cell) => {
    expect(isFormulaLike(cell)).toBe(false);
    expect(formatField(cell, comma)).toBe(cell);
  });

  it('keeps a decimal-comma negative number a number', () => {
    expect(formatField('-1,5', semicolon)).toBe('-1,5');
  });
});

const spec: TabularInputSpec = {
  kind: 'tabular',
  tensorName: 'x',
  dtype: 'float32',
  features: [{ name: 'a', type: 'number', required: true }],
};

/** A classifier whose labels are the ones an attacker trained into it, and a regressor answering negatives. */
const labelled =
  (label: string): ScoreChunk =>
  async (tensor) => ({
    results: Array.from({ length: tensor.dims[0]! }, () => ({ label, confidence: 0.9, probabilities: { [label]: 0.9 } })),
    inferenceMs: 0,
  });
const negative: ScoreChunk = async (tensor) => ({
  results: Array.from({ length: tensor.dims[0]! }, (_, i) => ({ value: -1.5 - tensor.data[i]! })),
  inferenceMs: 0,
});

async function answer(csv: string, score: ScoreChunk): Promise<string> {
  let text = '';
  await scoreCsv(
    [csv],
    spec,
    score,
    { header: (line) => void (text += line), rows: (_, lines) => void (text += lines.join('')) },
    { chunkRows: 100 },
  );
  return text;
}

describe('a scored CSV (HTTP text/csv answers and batch outputs)', () => {
  it('writes a learnt label that looks like a formula as text', async () => {
    const text = await answer('a\n1\n', labelled('=HYPERLINK("http://evil.example","click")'));
    expect(text).toBe(`a,prediction,score,error\n1,"'=HYPERLINK(""http://evil.example"",""click"")",0.9,\n`);
  });

  it('keeps negative numbers numbers, in the input and in the prediction', async () => {
    expect(await answer('a,note\n-2,x\n', negative)).toBe('a,note,prediction,score,error\n-2,x,0.5,,\n');
    expect(await answer('a\n1\n', negative)).toBe('a,prediction,score,error\n1,-2.5,,\n');
  });

  it('neutralises an echoed input cell that would run as a formula, and leaves the other rows byte for byte', async () => {
    const text = await answer('a,note\n1,=1+1\n2,"plain, quoted"\n', negative);
    expect(text).toBe("a,note,prediction,score,error\n1,'=1+1,-2.5,,\n" + '2,"plain, quoted",-3.5,,\n');
  });

  it('neutralises a formula in the header', async () => {
    const text = await answer('a,@evil\n1,x\n', negative);
    expect(text).toBe("a,'@evil,prediction,score,error\n1,x,-2.5,,\n");
  });
});
