import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { functionOfLogLine, redactSubjectPaths, routeLogs } from '../../scripts/local/log-router';

describe('local log routing', () => {
  it('names the function of a Powertools line, and nothing else', () => {
    expect(functionOfLogLine('{"level":"INFO","function_name":"vigie-local-predict"}')).toBe('vigie-local-predict');
    expect(functionOfLogLine('{"level":"INFO"}')).toBeUndefined();
    expect(functionOfLogLine('{"function_name":"../../etc/passwd"}')).toBeUndefined();
    expect(functionOfLogLine('GET /v1/health (λ: health)')).toBeUndefined();
  });

  it('masks the person in GDPR route paths that serverless-offline prints', () => {
    expect(redactSubjectPaths('GET /v1/subjects/jeanne.martin@example.fr/export (λ: subjects)')).toBe(
      'GET /v1/subjects/[subject]/export (λ: subjects)',
    );
    expect(redactSubjectPaths('DELETE /v1/subjects/driver-42 (λ: subjects)')).toBe('DELETE /v1/subjects/[subject] (λ: subjects)');
  });

  it('writes each function to its own file and the rest, masked, to offline.log', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'vigie-logs-'));
    const stdout = new PassThrough();
    const logs = routeLogs([stdout], folder);
    stdout.write('{"function_name":"vigie-local-predict","message":"prediction"}\n');
    stdout.write('DELETE /v1/subjects/driver-42 (λ: subjects)\n');
    stdout.end();
    await logs.close();
    expect(readFileSync(join(folder, 'vigie-local-predict.log'), 'utf8')).toBe(
      '{"function_name":"vigie-local-predict","message":"prediction"}\n',
    );
    expect(readFileSync(join(folder, 'offline.log'), 'utf8')).toBe('DELETE /v1/subjects/[subject] (λ: subjects)\n');
  });
});
