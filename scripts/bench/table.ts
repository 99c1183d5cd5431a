import { percentiles } from './stats';
import { throughput, versusFloor, type Floor, type Run } from './measure';

export interface Row {
  path: string;
  run: Run;
  /** Compared with the floor (paths c, e and f). */
  compare?: boolean;
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

/** One model's table: latency percentiles, throughput, and the ratios to the floor (a)+(b). */
export function latencyTable(rows: Row[], floor: Floor): string {
  const lines = [
    '| path | n | p50 ms | p95 ms | p99 ms | throughput /s | p50 ÷ floor | throughput ÷ floor |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { path, run, compare } of rows) {
    const { n, p50, p95, p99 } = percentiles(run.samples);
    const ratio = compare ? versusFloor(run, floor) : undefined;
    lines.push(
      `| ${[
        path,
        String(n),
        ms(p50),
        ms(p95),
        ms(p99),
        throughput(run).toFixed(1),
        ratio ? `${ratio.latency.toFixed(2)}×` : '',
        ratio ? `${(ratio.throughput * 100).toFixed(0)} %` : '',
      ].join(' | ')} |`,
    );
  }
  lines.push(`| floor (a)+(b) | | ${ms(floor.p50)} | | | ${floor.throughputPerSecond.toFixed(1)} | 1.00× | 100 % |`);
  return lines.join('\n');
}

/** A plain markdown table from a header and rows of cells. */
export function markdownTable(header: string[], rows: string[][]): string {
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
