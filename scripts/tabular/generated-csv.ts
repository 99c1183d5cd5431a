/**
 * A large iris-shaped CSV made on the fly, never held whole: 9 columns (the 4 iris features among 5 the model does
 * not use), deterministic values spread over the training ranges. For the memory test, the bench and the
 * 1,000,000-row measurement.
 */
export const GENERATED_HEADER = 'id,measured_at,site,sepal_length,sepal_width,petal_length,petal_width,operator,note';

const fixed = (value: number) => value.toFixed(1);

export function generatedRow(i: number): string {
  // A cheap deterministic spread (Weyl sequence): no Math.random, the same file every run.
  const u = (k: number) => (((i * 0.6180339887 + k * 0.4142135623) % 1) + 1) % 1;
  const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  return `${i},${at},site-${i % 7},${fixed(4.3 + 3.6 * u(1))},${fixed(2 + 2.4 * u(2))},${fixed(1 + 5.9 * u(3))},${fixed(0.1 + 2.4 * u(4))},op-${i % 13},"a, b"`;
}

/** The file as a stream of ~64 KB text pieces. */
export async function* generatedCsv(rows: number, rowsPerPiece = 1000): AsyncGenerator<string> {
  yield `${GENERATED_HEADER}\n`;
  for (let start = 0; start < rows; start += rowsPerPiece) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + rowsPerPiece); i += 1) lines.push(generatedRow(i));
    yield `${lines.join('\n')}\n`;
  }
}
