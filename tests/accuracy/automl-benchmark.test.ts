import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCHMARK_TABLES, QUICK_TABLES } from '../../scripts/automl/benchmark-tables';
import { benchmarkTable, runAutomlBenchmark } from '../../scripts/evaluation/automl-benchmark';

/**
 * The AutoML benchmark's small tables (issue #26; the whole benchmark is `vigie eval automl`, docs/automl.md):
 * Vigie trained through its training code and scored through the CSV serving path (onnxruntime-node) stays within
 * 0.02 of the best scikit-learn default (Debian's python3-sklearn) on the same held-out rows, and the served score
 * is the one the training reported.
 */
const out = mkdtempSync(join(tmpdir(), 'vigie-automl-benchmark-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the AutoML benchmark, small tables', () => {
  it('is within 0.02 of scikit-learn on each, served as reported', { timeout: 600_000 }, async () => {
    const tables = BENCHMARK_TABLES.filter((t) => QUICK_TABLES.includes(t.name));
    const rows = await runAutomlBenchmark(tables, { outDir: out, timeBudgetSeconds: 20 });
    console.warn(benchmarkTable(rows).join('\n'));
    expect(rows.map((r) => r.table)).toEqual(QUICK_TABLES);
    for (const row of rows) {
      expect(row.vigie, `${row.table}: served = reported`).toBe(row.reported);
      expect(row.difference, `${row.table}: Vigie − scikit-learn`).toBeGreaterThanOrEqual(-0.02);
    }
  });
});
