/** `--json`: the value as it came, for machines; otherwise the human lines the command composed. */
export function emit(json: boolean | undefined, value: unknown, human: () => string | string[]): void {
  if (json) {
    console.log(JSON.stringify(value, null, 2));
    return;
  }
  const lines = human();
  console.log(Array.isArray(lines) ? lines.join('\n') : lines);
}

/** Figures as people read them: four decimals for fractions, integers as they are. */
export const formatFigure = (value: unknown) =>
  typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : String(value);

/** Each metric set's own figures on a line (a version's, a training's); nested breakdowns (per class, per file, matrices) are in --json. */
export function describeMetrics(metrics: Record<string, unknown>): string[] {
  return Object.entries(metrics).map(([set, figures]) => {
    const flat = Object.entries(typeof figures === 'object' && figures !== null ? figures : { value: figures })
      .filter(([, value]) => typeof value === 'number')
      .map(([name, value]) => `${name} ${formatFigure(value)}`);
    return `      metrics ${set}: ${flat.join(', ') || '(see --json)'}`;
  });
}
