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
