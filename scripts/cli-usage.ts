/**
 * `--help` or `-h` among a script's arguments prints its usage and exits 0, before the arguments are parsed (a
 * strict parser refuses an option it does not declare, and a positional parser takes `--help` for a name).
 */
export function answerHelp(usage: string, args: string[] = process.argv.slice(2)): void {
  if (!args.includes('--help') && !args.includes('-h')) return;
  console.log(usage.trim());
  process.exit(0);
}
