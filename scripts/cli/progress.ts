import cliProgress, { type TimeFormatter } from 'cli-progress';

// cli-progress is CommonJS: Node finds its flat exports by name, not those under `Format`.
const { Format, Presets, SingleBar } = cliProgress;

export interface Progress {
  /** Sets how many of the total are done. */
  update(done: number): void;
  stop(): void;
}

/**
 * cli-progress's estimate is the text 'INF' or 'NULL' until a rate is known (nothing done yet, or no time gone
 * by), which its own time format cuts to two characters ("NFs left"): say that the time left is not known yet.
 */
const formatTime: TimeFormatter = (seconds, options, roundTo) =>
  typeof seconds === 'number' && Number.isFinite(seconds) ? Format.TimeFormat(seconds, options, roundTo) : '?';

/**
 * A progress bar on standard error (standard output stays clean for results and `--json`), drawn only on a
 * terminal: in a log or a pipe it prints nothing.
 */
export function progressBar(label: string, total: number, stream: NodeJS.WritableStream = process.stderr): Progress {
  const bar = new SingleBar(
    { stream, format: `  ${label.padEnd(16)} {bar} {value}/{total}  {eta_formatted} left`, formatTime, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}
