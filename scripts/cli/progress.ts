import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /** Sets how many of the total are done. */
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar on standard error (standard output stays clean for results and `--json`), drawn only on a
 * terminal: in a log or a pipe it prints nothing.
 */
export function progressBar(label: string, total: number): Progress {
  const bar = new SingleBar(
    { stream: process.stderr, format: `  ${label.padEnd(16)} {bar} {value}/{total}  {eta_formatted} left`, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}
