/** Latency summaries for the measurement scripts: percentiles by nearest rank, in milliseconds. */
export function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), mean };
}

export function markdownRow(name: string, samples: number[], extra: string[] = []): string {
  const { n, p50, p95, p99, mean } = percentiles(samples);
  return `| ${[name, String(n), ...[p50, p95, p99, mean].map((v) => v.toFixed(1)), ...extra].join(' | ')} |`;
}
