import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonBody } from '../../functions/api/http/body';

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('parseJsonBody: depth bounded before parsing (#20.15)', () => {
  it('reads a body nested up to the bound', () => {
    expect(parseJsonBody(Buffer.from(nested(MAX_JSON_DEPTH)))).toBeInstanceOf(Array);
    expect(parseJsonBody(Buffer.from('{"inputs": [{"data": [[1, 2], [3, 4]]}]}'))).toEqual({
      inputs: [
        {
          data: [
            [1, 2],
            [3, 4],
          ],
        },
      ],
    });
  });

  it('refuses 100,000 levels of arrays or objects with 400 json-too-deep, quickly', () => {
    const started = performance.now();
    expect(() => parseJsonBody(Buffer.from(nested(100_000)))).toThrow(
      expect.objectContaining({ status: 400, code: 'json-too-deep' }),
    );
    expect(() => parseJsonBody(Buffer.from(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`))).toThrow(
      expect.objectContaining({ code: 'json-too-deep' }),
    );
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ note: `\\"${'['.repeat(1_000)}`, more: '"{{{' });
    expect(parseJsonBody(Buffer.from(text))).toEqual(JSON.parse(text));
  });

  it('still answers invalid-json to what does not parse', () => {
    expect(() => parseJsonBody(Buffer.from('{"rows": ['))).toThrow(expect.objectContaining({ code: 'invalid-json' }));
  });
});
