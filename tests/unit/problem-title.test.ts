import { describe, expect, it } from 'vitest';
import { problem } from '../../functions/api/http/problem';

const titleOf = (status: number) => (JSON.parse(problem(status, 'some-code', 'detail').body!) as { title: string }).title;

describe('problem titles (issue #20.19)', () => {
  it('names every status the API answers, 409 and 410 included, with RFC 9110 names', () => {
    expect([400, 401, 403, 404, 406, 409, 410, 413, 415, 422, 500, 503].map(titleOf)).toEqual([
      'Bad Request',
      'Unauthorized',
      'Forbidden',
      'Not Found',
      'Not Acceptable',
      'Conflict',
      'Gone',
      'Content Too Large',
      'Unsupported Media Type',
      'Unprocessable Content',
      'Internal Server Error',
      'Service Unavailable',
    ]);
  });
});
